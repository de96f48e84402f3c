"""The database password never reaches a command line (security review, finding 15): any user on
the server reads every process's arguments (`ps`, /proc/<pid>/cmdline), so deploy/backup.sh and
restore.sh hand it to libpq through its environment (deploy/pgenv.sh) instead of a
`--dbname=postgres://user:PASSWORD@...` argument. Checked on the real tools: each command the
scripts start goes through a recording wrapper that then runs the real program."""

import os
import subprocess
import urllib.parse
import uuid

import pytest

from tests.deploy.test_backup import DEPLOY, run, table_contents
from tests.live import production_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def with_password(url, password):
    parts = urllib.parse.urlsplit(url)
    user = parts.username or "postgres"
    host = f"{parts.hostname}:{parts.port or 5432}"
    return urllib.parse.urlunsplit((parts.scheme, f"{user}:{password}@{host}", parts.path, "", ""))


def test_backup_and_restore_never_put_the_database_password_in_a_command_line(
    databases, practice_key, recorded_path, tmp_path
):
    source, restored = databases
    identity, recipients = practice_key
    path, log = recorded_path
    # The test server trusts loopback, so any password connects: what matters is where it travels.
    password = f"Pw-{uuid.uuid4().hex}"
    source.manage("migrate", "--no-input")
    env = {
        "PATH": path,
        "DATABASE_URL": with_password(source.url(), password),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "BACKUP_RECIPIENTS_FILE": str(recipients),
    }

    run(str(DEPLOY / "backup.sh"), env=env)
    [backup] = (tmp_path / "backups").glob("clinic-*.dump.age")
    restored.create()
    run(str(DEPLOY / "restore.sh"), str(backup), str(identity), restored.name, env=env)

    assert table_contents(restored) == table_contents(source)
    runs = [line.split("\0") for line in log.read_text().splitlines() if line]
    programs = {os.path.basename(argv[0]) for argv in runs}
    assert {"pg_dump", "pg_restore"} <= programs, programs
    assert not [argv for argv in runs if any(password in arg for arg in argv)]


def test_restore_refuses_a_database_url_on_its_command_line(practice_key, tmp_path):
    identity, _recipients = practice_key
    result = subprocess.run(
        [str(DEPLOY / "restore.sh"), "backup.dump.age", str(identity), "postgres://clinic:secret@127.0.0.1/clinic"],
        env={"PATH": production_env()["PATH"], "DATABASE_URL": "postgres://clinic@127.0.0.1/clinic"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "never from the command line" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # A password with @ / # : percent-encoded, as deploy/README.md says (or generate a URL-safe one).
        (
            "postgres://clinic:p%40ss%2Fw%23rd%3A1@db.internal:5433/clinic",
            ["clinic", "p@ss/w#rd:1", "db.internal", "5433", "clinic", ""],
        ),
        (
            "postgresql://clinic:pw@127.0.0.1/clinic?sslmode=require",
            ["clinic", "pw", "127.0.0.1", "5432", "clinic", "require"],
        ),
    ],
)
def test_pgenv_reads_the_url_as_dj_database_url_does(url, expected):
    variables = '"$PGUSER" "$PGPASSWORD" "$PGHOST" "$PGPORT" "$PGDATABASE" "${PGSSLMODE:-}"'
    script = f'. {DEPLOY / "pgenv.sh"}; pg_env_from_url "$URL"; printf "%s\\n" {variables}'
    result = subprocess.run(
        ["bash", "-c", script], env={"PATH": production_env()["PATH"], "URL": url}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected


def test_pgenv_refuses_what_it_cannot_pass_on():
    script = f'. {DEPLOY / "pgenv.sh"}; pg_env_from_url "$URL"'
    result = subprocess.run(
        ["bash", "-c", script],
        env={"PATH": production_env()["PATH"], "URL": "postgres://clinic:pw@127.0.0.1/clinic?target_session_attrs=any"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "target_session_attrs" in result.stderr
