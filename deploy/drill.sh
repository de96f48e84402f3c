#!/bin/bash
# The restore drill (once a quarter), which cannot reach a patient: the newest backup (or the
# one named) is restored into a scratch database, a second copy of the site starts on it on
# loopback with mail switched off and no worker and no timers (so nothing queued in the backup
# is sent again), its row counts and pages are checked, and everything is removed again,
# whether the drill passes or fails.
#
#   deploy/drill.sh <age private key file> [backup.dump.age]
#
# Run as root on the server. Settings come from CLINIC_ENV_FILE (/etc/clinic/clinic.env), read
# by bash; passwords stay in files and the environment, never on a command line or in the
# shell's history. The scratch database is created and dropped by the `postgres` user
# (runuser), or through DRILL_ADMIN_URL (a role allowed to create databases) when set.
set -euo pipefail
umask 077
deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
site_dir="$(dirname "$deploy_dir")"
# shellcheck source=deploy/pgenv.sh
. "$deploy_dir/pgenv.sh"

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 <age private key file> [backup.dump.age]" >&2
  exit 2
fi
identity="$1"
env_file="${CLINIC_ENV_FILE:-/etc/clinic/clinic.env}"
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
backup_dir="${BACKUP_DIR:-/var/lib/clinic-backups}"
backup="${2:-$(find "$backup_dir" -maxdepth 1 -name 'clinic-*.dump.age' -type f -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)}"
[[ -n "$backup" && -f "$backup" ]] || { echo "no backup found in $backup_dir" >&2; exit 1; }
python="${CLINIC_PYTHON:-$site_dir/.venv/bin/python}"

site_user="$(pg_env_from_url "$DATABASE_URL" && echo "$PGUSER")"
scratch="clinic_drill_$(date -u +%Y%m%d%H%M%S)_$$"
work="$(mktemp -d)"
site_pid=""

as_admin() {
  if [[ -n "${DRILL_ADMIN_URL:-}" ]]; then
    (pg_env_from_url "$DRILL_ADMIN_URL" && "$@")
  else
    (cd / && runuser -u postgres -- "$@")
  fi
}

cleanup() {
  status=$?
  if [[ -n "$site_pid" ]]; then
    kill "$site_pid" 2>/dev/null || true
    wait "$site_pid" 2>/dev/null || true
  fi
  as_admin dropdb --if-exists --force "$scratch" || status=1
  rm -rf "$work"
  if [[ $status -eq 0 ]]; then
    echo "drill passed; the scratch database and the drill's site are gone"
  else
    echo "DRILL FAILED (see above); the scratch database and the drill's site are gone" >&2
  fi
  exit "$status"
}
trap cleanup EXIT

echo "restoring $backup into the scratch database $scratch"
as_admin createdb --owner="$site_user" "$scratch"
"$deploy_dir/restore.sh" "$backup" "$identity" "$scratch" >/dev/null

# The drill's site: the scratch database, loopback only, plain HTTP, and mail to nowhere (the
# dummy backend, and a host that cannot answer should anything bypass it). No worker and no
# timer run here, so nothing in the restored queue is sent; a cache prefix of its own keeps
# the live site's cached pages and limits apart.
DATABASE_URL="$(DRILL_DB="$scratch" PGENV_URL="$DATABASE_URL" python3 -c '
import os, urllib.parse
url = urllib.parse.urlsplit(os.environ["PGENV_URL"])
print(urllib.parse.urlunsplit(url._replace(path="/" + os.environ["DRILL_DB"])))')"
export DATABASE_URL
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend" EMAIL_HOST="mail.invalid" EMAIL_PORT="9"
export APPOINTMENT_STAFF_EMAILS="" CACHE_KEY_PREFIX="${CACHE_KEY_PREFIX:-clinic}-drill-$$"
export ALLOWED_HOSTS="127.0.0.1" SITE_URL="http://127.0.0.1:$port" CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$port"
export SECURE_SSL_REDIRECT="0" BEHIND_TLS_PROXY="0" TRUSTED_PROXY_COUNT="0" SECURE_HSTS_SECONDS="0"
export SESSION_COOKIE_SECURE="0" CSRF_COOKIE_SECURE="0"

echo "row counts in the restored database:"
(
  pg_env_from_url "$DATABASE_URL"
  psql --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' --set=ON_ERROR_STOP=1 --command="
    SELECT table_name, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', table_name), false, true, '')))[1]::text
    FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
) | tee "$work/counts" | sed 's/^/  /'
for table in django_migrations locations_location; do
  grep -Eq "^$table [1-9]" "$work/counts" || { echo "the restored $table is empty: not a usable backup" >&2; exit 1; }
done

# E-mails waiting in the restored queue: they must still be waiting when the drill ends (no
# worker took them), checked again below.
waiting() {
  (
    pg_env_from_url "$DATABASE_URL"
    psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 \
      --command="SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
  )
}
queued_before="$(waiting)"

run_site=()
if [[ $EUID -eq 0 ]] && id -u clinic >/dev/null 2>&1; then
  run_site=(runuser -u clinic --)
fi
(cd "$site_dir" && exec "${run_site[@]}" "$python" -m gunicorn clinic_site.wsgi --config gunicorn.conf.py \
  --bind "127.0.0.1:$port" --workers 1 --no-control-socket) >"$work/site.log" 2>&1 &
site_pid=$!
echo "the drill's site: http://127.0.0.1:$port (mail off, no worker, no timers)"

PORT="$port" "$python" - <<'PY' || { echo "the drill's site did not serve its pages; its log:" >&2; tail -n 30 "$work/site.log" >&2; exit 1; }
import os, sys, time, urllib.request, urllib.error
base = f"http://127.0.0.1:{os.environ['PORT']}"
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            break
    except (OSError, urllib.error.URLError):
        if time.monotonic() > deadline:
            sys.exit("no answer on /healthz within 60 s")
        time.sleep(0.5)
for path in ("/", "/locations/"):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        page = response.read().decode()
        if response.status != 200 or "</html>" not in page:
            sys.exit(f"{path} answered {response.status}")
        print(f"page {path} answered {response.status} ({len(page)} bytes)")
PY

queued_after="$(waiting)"
if [[ "$queued_after" != "$queued_before" ]]; then
  echo "the restored queue changed during the drill ($queued_before waiting, now $queued_after): something ran it" >&2
  exit 1
fi
echo "queued e-mails left unsent: $queued_after"
