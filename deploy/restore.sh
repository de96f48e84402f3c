#!/bin/bash
# Restore a backup made by deploy/backup.sh into an empty database:
#
#   deploy/restore.sh <backup.dump.age> <age private key file> <target DATABASE_URL>
#
# The target database must exist and be empty (createdb); the restore runs in one transaction,
# so a failure leaves it empty rather than half-filled. deploy/README.md ("Restoring") walks
# through a drill and a real restore.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <backup.dump.age> <age private key file> <target DATABASE_URL>" >&2
  exit 2
fi
backup="$1"
identity="$2"
target_url="$3"

age --decrypt --identity "$identity" "$backup" |
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target_url"
echo "restored $backup"
