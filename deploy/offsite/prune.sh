#!/bin/bash
# Retention on the far side: delete off-site backups older than OFFSITE_RETENTION_DAYS (90).
# Runs on the far machine, as root, daily (cron or a timer there): the clinic server's own key
# cannot delete anything there (sshd-clinic-offsite.conf). Never deletes the newest copy.
#
#   prune.sh [folder]     default /srv/clinic-offsite/incoming
set -euo pipefail
folder="${1:-/srv/clinic-offsite/incoming}"
retention_days="${OFFSITE_RETENTION_DAYS:-90}"
[[ "$retention_days" =~ ^[1-9][0-9]*$ ]] || { echo "OFFSITE_RETENTION_DAYS must be a number of days" >&2; exit 2; }
newest="$(find "$folder" -maxdepth 1 -type f -name 'clinic-*.dump.age' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)"
find "$folder" -maxdepth 1 -type f -name 'clinic-*.dump.age' -mtime "+$((retention_days - 1))" \
  ! -path "$newest" -print -delete | sed 's/^/off-site backup deleted: /'
