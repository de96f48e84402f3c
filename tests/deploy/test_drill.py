"""The quarterly restore drill (deploy/drill.sh), which cannot reach a patient: the newest backup
goes into a scratch database, a second site starts on it with mail off and no worker, its row
counts and pages are checked, and it all goes away. The backup holds e-mails still queued (no
worker ran), and the site's settings point at a real SMTP server: nothing may arrive there."""

import re
import socket
import subprocess
import sys
import uuid

import pytest

from tests.deploy.test_backup import DEPLOY, run, table_contents
from tests.deploy.test_database_password import with_password
from tests.hardening.conftest import FORM_URL, RECEIVED_URL, valid_submission
from tests.live import HttpClient, ThrowawayDatabase, deployed_settings, free_port, postgres_server_url
from tests.smtp import start_smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TASKS = "django_tasks_database_dbtaskresult"


@pytest.fixture
def inbox():
    controller, inbox = start_smtp_server(free_port())
    inbox.port = controller.port
    yield inbox
    controller.stop()


def site_settings(**overrides):
    """deploy/env.example's values without the off-site copy (tests/deploy/test_offsite.py has it)."""
    values = {key: value for key, value in deployed_settings().items() if not key.startswith("OFFSITE_")}
    return {**values, **overrides}


def write_env_file(path, values):
    """/etc/clinic/clinic.env as deploy/env.example shapes it: KEY="value" lines."""
    path.write_text("".join(f'{key}="{value}"\n' for key, value in values.items()))
    path.chmod(0o600)


def drill(env_file, identity, recorded_path, *extra):
    path, _log = recorded_path
    return subprocess.run(
        [str(DEPLOY / "drill.sh"), str(identity), *extra],
        env={
            "PATH": path,
            "CLINIC_ENV_FILE": str(env_file),
            # The test's PostgreSQL: no `postgres` system account to runuser to, a superuser URL instead.
            "DRILL_ADMIN_URL": postgres_server_url().rsplit("/", 1)[0] + "/postgres",
            "CLINIC_PYTHON": sys.executable,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def database_exists(name):
    server = ThrowawayDatabase("postgres")
    return server.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name]) == [(1,)]


def test_the_drill_restores_checks_and_removes_a_site_that_sends_no_mail(
    databases, practice_key, inbox, office, request_day, shared_cache, start_gunicorn, recorded_path, tmp_path
):
    source, _restored = databases
    identity, recipients = practice_key
    source.manage("migrate", "--no-input")
    password = f"Pw-{uuid.uuid4().hex}"
    site = {
        **site_settings(),
        **shared_cache,
        "SECRET_KEY": "drill-" + uuid.uuid4().hex * 2,
        "DATABASE_URL": with_password(source.url(), password),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": inbox.port,
        "EMAIL_USE_TLS": "0",
        "APPOINTMENT_STAFF_EMAILS": "frontdesk@practice.test",
        "PLAIN_STATIC_STORAGE": "1",
        "BACKUP_DIR": tmp_path / "backups",
        "BACKUP_RECIPIENTS_FILE": recipients,
    }

    # A patient's request: its e-mails wait in the queue (no worker here), and go into the backup.
    server = start_gunicorn(source.url(), APPOINTMENT_RATE_LIMIT="100/h", **shared_cache)
    [(office_pk,)] = source.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    patient = HttpClient(server.base_url)
    data = valid_submission(office, request_day, location=office_pk, email="patient@practice.test")
    assert (
        patient.post(FORM_URL, {**data, "csrfmiddlewaretoken": patient.csrf_token(FORM_URL)}).location == RECEIVED_URL
    )
    server.stop()
    [(queued,)] = source.execute(f"SELECT count(*) FROM {TASKS} WHERE status = 'READY'")
    assert queued >= 1, "the backup holds e-mails a worker would send"
    run(str(DEPLOY / "backup.sh"), env={"PATH": "/usr/bin:/bin", **{k: str(v) for k, v in site.items()}})
    env_file = tmp_path / "clinic.env"
    write_env_file(env_file, site)

    result = drill(env_file, identity, recorded_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "drill passed" in result.stdout
    counts = dict(re.findall(r"^  (\w+) (\d+)$", result.stdout, re.MULTILINE))
    assert {table: int(count) for table, count in counts.items()} == {
        table: count for table, (count, _digest) in table_contents(source).items()
    }
    assert "page / answered 200" in result.stdout and "page /locations/ answered 200" in result.stdout
    # Mail off: nothing reached the SMTP server the site's settings name, and no worker took the queue.
    assert inbox.messages == []
    assert f"queued e-mails left unsent: {queued}" in result.stdout
    # All gone: the scratch database and the drill's site.
    [scratch] = re.findall(r"scratch database (clinic_drill_\w+)", result.stdout)
    assert not database_exists(scratch)
    [port] = re.findall(r"the drill's site: http://127.0.0.1:(\d+)", result.stdout)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
    # The password travelled in the environment only.
    _path, log = recorded_path
    assert password not in log.read_text()


def test_a_drill_on_an_unusable_backup_fails_and_still_removes_everything(
    databases, practice_key, recorded_path, tmp_path
):
    _source, empty = databases
    identity, recipients = practice_key
    empty.create()  # never migrated: a backup of nothing
    site = {
        **site_settings(),
        "SECRET_KEY": "drill-" + uuid.uuid4().hex * 2,
        "DATABASE_URL": empty.url(),
        "BACKUP_DIR": tmp_path / "backups",
        "BACKUP_RECIPIENTS_FILE": recipients,
    }
    run(str(DEPLOY / "backup.sh"), env={"PATH": "/usr/bin:/bin", **{k: str(v) for k, v in site.items()}})
    env_file = tmp_path / "clinic.env"
    write_env_file(env_file, site)

    result = drill(env_file, identity, recorded_path)

    assert result.returncode != 0
    assert "not a usable backup" in result.stderr and "DRILL FAILED" in result.stderr
    [scratch] = re.findall(r"scratch database (clinic_drill_\w+)", result.stdout)
    assert not database_exists(scratch)
