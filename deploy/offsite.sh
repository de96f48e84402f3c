#!/bin/bash
# Copy every encrypted backup that is not yet off the server to the off-site SFTP account, then
# note the time (BACKUP_DIR/last-offsite-copy, read by the freshness alarm). Called by backup.sh
# after each backup; safe to run by hand (`deploy/offsite.sh` with the site's environment).
#
# The far side is an SFTP-only account that can add files and nothing else: no reading, renaming
# or deleting, and what arrives is read-only (deploy/offsite/sshd-clinic-offsite.conf). A server
# taken over by an attacker can therefore not destroy the copies; the far side prunes them itself
# (deploy/offsite/prune.sh). Only age-encrypted files ever leave this server.
#
#   OFFSITE_SFTP         user@host of that account
#   OFFSITE_PORT         its SSH port                                   (default 22)
#   OFFSITE_KEY          this server's private key for it, mode 0600   (default /etc/clinic/offsite-key)
#   OFFSITE_KNOWN_HOSTS  the far side's host key, checked strictly     (default /etc/clinic/offsite-known-hosts)
#   BACKUP_DIR           where backup.sh writes                        (default /var/lib/clinic-backups)
set -euo pipefail
: "${OFFSITE_SFTP:?OFFSITE_SFTP is not set (user@host of the off-site SFTP account)}"
backup_dir="${BACKUP_DIR:-/var/lib/clinic-backups}"
key="${OFFSITE_KEY:-/etc/clinic/offsite-key}"
known_hosts="${OFFSITE_KNOWN_HOSTS:-/etc/clinic/offsite-known-hosts}"
[[ -r "$known_hosts" ]] || { echo "$known_hosts is missing: the far side's host key must be pinned (deploy/README.md)" >&2; exit 1; }

# -F /dev/null: no user or system ssh_config changes what this does; BatchMode: never prompt.
sftp_batch() {
  sftp -q -b - -F /dev/null -i "$key" -P "${OFFSITE_PORT:-22}" \
    -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$known_hosts" -o ConnectTimeout=30 -o ServerAliveInterval=15 \
    "$OFFSITE_SFTP"
}

# What is there already: "name size" for each file (ls -ln: size is the 5th column, name the last).
remote_sizes() {
  echo "ls -ln" | sftp_batch | awk '$1 ~ /^-/ { print $NF, $5 }'
}

declare -A far
while read -r name size; do
  far["$name"]="$size"
done < <(remote_sizes)

missing=0
batch=""
for file in "$backup_dir"/clinic-*.dump.age; do
  [[ -e "$file" ]] || continue
  name="$(basename "$file")"
  size="$(stat -c %s "$file")"
  if [[ -z "${far[$name]:-}" ]]; then
    batch+="put $file $name"$'\n'
  elif [[ "${far[$name]}" != "$size" ]]; then
    # The account cannot overwrite or delete: an interrupted copy stays short until the far
    # side prunes it. Say so (the alarm mails it); the next backups still go.
    echo "off-site copy of $name is incomplete (${far[$name]} of $size bytes)" >&2
    missing=1
  fi
done

if [[ -n "$batch" ]]; then
  printf '%s' "$batch" | sftp_batch >/dev/null
  # Checked, not assumed: every file sent is there, whole.
  far=()
  while read -r name size; do far["$name"]="$size"; done < <(remote_sizes)
  while read -r _put file name; do
    [[ -n "$name" ]] || continue
    if [[ "${far[$name]:-}" == "$(stat -c %s "$file")" ]]; then
      echo "copied off-site: $name"
    else
      echo "off-site copy of $name did not arrive whole" >&2
      missing=1
    fi
  done <<<"$batch"
fi

if [[ $missing -ne 0 ]]; then
  exit 1
fi
touch "$backup_dir/last-offsite-copy"
