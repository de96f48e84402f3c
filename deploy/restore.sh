#!/bin/bash
# Restore a backup made by deploy/backup.sh into an empty database on the site's database
# server, as the site's database user:
#
#   deploy/restore.sh <backup.dump.age> <age private key file> <target database name>
#
# The server, user and password come from DATABASE_URL in the environment (the site's
# /etc/clinic/clinic.env), never from the command line, where `ps` and the shell's history would
# keep the password. The target database must exist and be empty (createdb); the restore runs in
# one transaction, so a failure leaves it empty rather than half-filled. deploy/README.md
# ("Restoring") has the real restore; deploy/drill.sh the quarterly drill.
set -euo pipefail
deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/pgenv.sh
. "$deploy_dir/pgenv.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <backup.dump.age> <age private key file> <target database name>" >&2
  exit 2
fi
backup="$1"
identity="$2"
target_name="$3"
if [[ "$target_name" == *"://"* || "$target_name" == *"@"* ]]; then
  echo "Give the target database's name only: the server and password come from DATABASE_URL" \
    "in the environment (set -a; . /etc/clinic/clinic.env), never from the command line." >&2
  exit 2
fi
: "${DATABASE_URL:?DATABASE_URL is not set: run set -a; . /etc/clinic/clinic.env first}"

pg_env_from_url "$DATABASE_URL"
export PGDATABASE="$target_name"
age --decrypt --identity "$identity" "$backup" |
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target_name"
echo "restored $backup into $target_name"
