# Sourced by backup.sh, restore.sh and drill.sh. `pg_env_from_url URL` exports libpq's own
# variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, ...) from a DATABASE_URL, so that
# pg_dump, pg_restore and psql never carry the password in their arguments: any user on the
# server can read every process's arguments (`ps`), but only the process's own user (and root)
# its environment. The URL itself is passed to Python through the environment for the same
# reason. Percent-encoded characters (`%40` for `@`) are decoded as dj-database-url does.

pg_env_from_url() {
  local exports
  exports="$(PGENV_URL="$1" python3 - <<'PY'
import os
import shlex
import sys
import urllib.parse

url = urllib.parse.urlsplit(os.environ["PGENV_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit("DATABASE_URL must start with postgres:// (postgres://user:password@host:port/name)")
# Query options libpq also takes from the environment; anything else is refused rather than lost.
options = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "connect_timeout": "PGCONNECT_TIMEOUT"}
values = {
    "PGHOST": url.hostname or "",
    "PGPORT": str(url.port or 5432),
    "PGUSER": urllib.parse.unquote(url.username or ""),
    "PGPASSWORD": urllib.parse.unquote(url.password or ""),
    "PGDATABASE": urllib.parse.unquote(url.path.lstrip("/")),
}
for key, value in urllib.parse.parse_qsl(url.query):
    if key not in options:
        sys.exit(f"DATABASE_URL option {key!r} is not understood here")
    values[options[key]] = value
if not values["PGDATABASE"]:
    sys.exit("DATABASE_URL names no database")
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
    else:
        print(f"unset {name}")
PY
)" || return 1
  eval "$exports"
}
