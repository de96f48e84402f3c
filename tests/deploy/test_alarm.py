"""The alarm: a failed backup or off-site copy, or no good backup in 26 hours, mails the
practice's IT address through the site's own mail settings, to a real SMTP server
(tests/smtp.py). Each case runs the command its systemd unit runs (the unit's ExecStart=, with
this checkout in place of /srv/clinic), as systemd would after OnFailure= or from the timer."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import ROOT, free_port, production_env
from tests.smtp import start_smtp_server

pytestmark = [pytest.mark.postgres]

SYSTEMD = ROOT / "deploy" / "systemd"
IT = "it-desk@practice.test"


def unit_command(unit, instance=None):
    """The unit's ExecStart= as a command line for this checkout."""
    [line] = [line for line in (SYSTEMD / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=").replace("/srv/clinic", str(ROOT))
    if instance:
        command = command.replace("%i", instance)
    return shlex.split(command)


@pytest.fixture
def inbox():
    controller, inbox = start_smtp_server(free_port())
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def site_env(inbox, tmp_path):
    """/etc/clinic/clinic.env's mail settings, pointing at the test's SMTP server."""
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    return production_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=inbox.port,
        DEFAULT_FROM_EMAIL="Clinic <no-reply@practice.test>",
        ALARM_EMAILS=IT,
        BACKUP_DIR=backup_dir,
    )


def run_unit(unit, env, instance=None):
    return subprocess.run(unit_command(unit, instance), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_backup_unit_calls_the_alarm_on_failure():
    lines = (SYSTEMD / "clinic-backup.service").read_text().splitlines()
    assert "OnFailure=clinic-alarm@%n.service" in lines
    assert unit_command("clinic-alarm@.service", "clinic-backup.service")[-2:] == ["failed", "clinic-backup.service"]


def test_a_failed_backup_mails_it(site_env, inbox, tmp_path):
    password = "Pw-never-in-mail"
    recipients = tmp_path / "recipients.txt"
    recipients.write_text(
        subprocess.run(["age-keygen"], capture_output=True, text=True).stdout.split("# public key: ")[1]
    )
    backup = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh")],
        # Nothing listens on port 1: the dump fails as with a database that is down.
        env={
            **site_env,
            "DATABASE_URL": f"postgres://clinic:{password}@127.0.0.1:1/clinic",
            "BACKUP_RECIPIENTS_FILE": str(recipients),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert backup.returncode != 0

    # systemd now starts clinic-alarm@clinic-backup.service.service.
    alarm = run_unit("clinic-alarm@.service", site_env, "clinic-backup.service")

    assert alarm.returncode == 0, alarm.stderr
    [message] = inbox.to(IT)
    assert "clinic-backup.service failed" in message["subject"]
    body = message.get_body(("plain",)).get_content()
    assert "journalctl -u clinic-backup.service" in body
    assert password not in message.as_string()
    assert message["from"] == "Clinic <no-reply@practice.test>"


def the_checks_clock():
    """Now, as the alarm's own process sees it: the test's clock may be shifted (faketime) while
    the production-like environment the alarm runs in carries no such shift."""
    result = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"], env=production_env(), capture_output=True, text=True
    )
    return float(result.stdout)


def make_backup(backup_dir, hours_old, name="clinic-20261201T023000Z.dump.age"):
    path = backup_dir / name
    path.write_bytes(b"age-encryption.org/v1\n")
    moment = the_checks_clock() - hours_old * 3600
    os.utime(path, (moment, moment))
    return path


def test_no_backup_for_26_hours_mails_it(site_env, inbox):
    backup_dir = Path(site_env["BACKUP_DIR"])
    make_backup(backup_dir, hours_old=27)
    make_backup(backup_dir, hours_old=27, name="last-offsite-copy")

    check = run_unit("clinic-backup-check.service", {**site_env, "OFFSITE_SFTP": "clinic@offsite.test"})

    assert check.returncode == 0, check.stderr
    [message] = inbox.to(IT)
    assert "no good backup in 26 hours" in message["subject"]
    body = message.get_body(("plain",)).get_content()
    assert "The newest backup" in body and "The last copy off this server" in body


def test_a_backup_without_an_offsite_copy_mails_it(site_env, inbox):
    backup_dir = Path(site_env["BACKUP_DIR"])
    make_backup(backup_dir, hours_old=2)

    stale_copy = run_unit("clinic-backup-check.service", {**site_env, "OFFSITE_SFTP": "clinic@offsite.test"})
    no_copy_set_up = run_unit("clinic-backup-check.service", site_env)

    assert (stale_copy.returncode, no_copy_set_up.returncode) == (0, 0)
    first, second = (message.get_body(("plain",)).get_content() for message in inbox.to(IT))
    assert "No backup has ever been copied off this server." in first and "The newest backup" not in first
    assert "No off-site copy is set up" in second


def test_a_fresh_backup_and_copy_mail_nobody(site_env, inbox):
    backup_dir = Path(site_env["BACKUP_DIR"])
    make_backup(backup_dir, hours_old=25)
    make_backup(backup_dir, hours_old=1, name="last-offsite-copy")

    check = run_unit("clinic-backup-check.service", {**site_env, "OFFSITE_SFTP": "clinic@offsite.test"})

    assert check.returncode == 0, check.stderr
    assert "backups are fresh" in check.stdout
    assert inbox.messages == []


def test_an_alarm_nobody_would_receive_fails_loudly(site_env):
    del site_env["ALARM_EMAILS"]
    check = run_unit("clinic-backup-check.service", site_env)
    assert check.returncode != 0
    assert "ALARM_EMAILS is not set" in check.stderr
