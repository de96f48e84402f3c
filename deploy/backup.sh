#!/bin/bash
# Encrypted PostgreSQL backup: pg_dump's custom format, encrypted with age to the practice's
# public key(s) as it is written, so no clear copy ever touches the disk; then backups older
# than BACKUP_RETENTION_DAYS are deleted, and every backup not yet off the server is copied to
# the off-site SFTP account (deploy/offsite.sh). Run daily by clinic-backup.timer with the
# site's environment (/etc/clinic/clinic.env); a failure mails the IT address (clinic-alarm@).
# Restore with deploy/restore.sh and the private key, which stays off this server.
#
#   DATABASE_URL            the site's database (postgres://user:password@host:port/name);
#                           its password reaches pg_dump through the environment, never argv
#   BACKUP_RECIPIENTS_FILE  age public keys, one a line (age-keygen -y <private key file>)
#   BACKUP_DIR              where backups are kept                    (default /var/lib/clinic-backups)
#   BACKUP_RETENTION_DAYS   delete backups older than this many days  (default 30)
#   OFFSITE_SFTP            user@host of the off-site copy; unset: none (the daily freshness
#                           check then mails that no backup has left the server)
set -euo pipefail
umask 077
deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/pgenv.sh
. "$deploy_dir/pgenv.sh"

: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${BACKUP_RECIPIENTS_FILE:?BACKUP_RECIPIENTS_FILE is not set (the age public keys of the practice)}"
backup_dir="${BACKUP_DIR:-/var/lib/clinic-backups}"
retention_days="${BACKUP_RETENTION_DAYS:-30}"
[[ "$retention_days" =~ ^[0-9]+$ ]] || { echo "BACKUP_RETENTION_DAYS must be a number of days" >&2; exit 2; }

mkdir -p "$backup_dir"
target="$backup_dir/clinic-$(date -u +%Y%m%dT%H%M%SZ).dump.age"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

# A failed dump fails the pipeline (pipefail), and only a finished file gets its final name.
# pg_dump finds the database in PGHOST/PGUSER/PGPASSWORD/PGDATABASE (pgenv.sh).
(
  pg_env_from_url "$DATABASE_URL"
  pg_dump --format=custom --no-owner --no-privileges
) | age --encrypt --recipients-file "$BACKUP_RECIPIENTS_FILE" --output "$partial"
mv "$partial" "$target"
echo "backup written: $target ($(stat -c %s "$target") bytes)"

# Keep the last BACKUP_RETENTION_DAYS days; never the one just written.
find "$backup_dir" -maxdepth 1 -name 'clinic-*.dump.age' -type f -mtime "+$((retention_days - 1))" \
  ! -path "$target" -print -delete | sed 's/^/backup deleted: /'

if [[ -n "${OFFSITE_SFTP:-}" ]]; then
  "$deploy_dir/offsite.sh"
else
  echo "OFFSITE_SFTP is not set: this backup stays on this server only" >&2
fi
