"""deploy/README.md in order, as far as this machine allows without systemd as its init: the
README's own secrets step writes clinic.env from env.example; the practice's values go in; bash
reads it as the scripts do; `check --deploy` passes; the database is migrated; gunicorn starts
with clinic-web.service's own command line behind Caddy with the shipped Caddyfile; the site
answers over HTTPS with the first HSTS stage; clinic-backup.service's command makes a backup
and copies it to the off-site SFTP account, where it arrives whole."""

import re
import shlex
import subprocess
import sys
import uuid

import pytest

from tests.deploy.offsite_server import OffsiteSftpServer
from tests.deploy.test_backup import DEPLOY, run
from tests.live import ROOT, CaddyServer, HttpClient, ServerProcess, delete_redis_keys, free_port, redis_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

README = (DEPLOY / "README.md").read_text()


def exec_start(unit, **replacements):
    [line] = [line for line in (DEPLOY / "systemd" / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=").replace("/srv/clinic", str(ROOT))
    for old, new in replacements.items():
        command = command.replace(old, new)
    return shlex.split(command)


def read_as_the_scripts_do(clinic_env):
    """The environment bash builds from clinic.env (`set -a; . clinic.env`)."""
    result = subprocess.run(
        ["bash", "-c", f"set -euo pipefail -a; . {clinic_env}; env -0"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)


class UnitProcess(ServerProcess):
    def __init__(self, log_path):
        self.log_path = log_path


@pytest.fixture
def offsite(tmp_path):
    key = tmp_path / "offsite-key"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
    server = OffsiteSftpServer()
    server.start((tmp_path / "offsite-key.pub").read_text())
    (tmp_path / "offsite-known-hosts").write_text(
        run("ssh-keyscan", "-t", "ed25519", "-p", str(server.port), "127.0.0.1")
    )
    yield server
    server.remove()


def test_the_readme_in_order_ends_with_https_and_a_backup_off_the_server(databases, practice_key, offsite, tmp_path):
    database, _unused = databases
    _identity, recipients = practice_key
    prefix = f"walkthrough_{uuid.uuid4().hex[:8]}"
    caddy = CaddyServer([], tmp_path)

    # Step 1: clinic.env from env.example, with the README's generated secrets...
    clinic_env = tmp_path / "clinic.env"
    clinic_env.write_text((DEPLOY / "env.example").read_text())
    [secrets_block] = [
        block for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL) if "token_urlsafe(32)" in block
    ]
    program = secrets_block.split("<<'PY'\n")[1].split("\nPY\n")[0]
    password = run("python3", "-c", "import secrets; print(secrets.token_urlsafe(32))").strip()
    written = subprocess.run(
        ["python3", "-", str(clinic_env)],
        input=program,
        env={"PATH": "/usr/bin:/bin", "DB_PASSWORD": password},
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr
    # ...and what the contractor types in with `editor` (here: this machine's servers and folders).
    bind = f"127.0.0.1:{free_port()}"
    practice = {
        "ALLOWED_HOSTS": caddy.host,
        "CSRF_TRUSTED_ORIGINS": caddy.base_url,
        "SITE_URL": caddy.base_url,
        "DATABASE_URL": f"postgres://postgres:{password}@127.0.0.1:5432/{database.name}",
        "REDIS_URL": redis_url(),
        "CACHE_KEY_PREFIX": prefix,
        "APPOINTMENT_STAFF_EMAILS": "frontdesk@smithvein.com",
        "DEFAULT_FROM_EMAIL": "Smith Vein <no-reply@smithvein.com>",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_HOST_USER": "",
        "BIND": bind,
        "WEB_CONCURRENCY": "2",
        "BACKUP_RECIPIENTS_FILE": str(recipients),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "OFFSITE_SFTP": offsite.address,
        "OFFSITE_PORT": str(offsite.port),
        "OFFSITE_KEY": str(tmp_path / "offsite-key"),
        "OFFSITE_KNOWN_HOSTS": str(tmp_path / "offsite-known-hosts"),
        "ALARM_EMAILS": "it@smithvein.com",
        # Test-only: static files without collectstatic's hashed copies in the checkout.
        "PLAIN_STATIC_STORAGE": "1",
    }
    text = clinic_env.read_text()
    for key, value in practice.items():
        text, count = re.subn(rf'^{key}=".*"$', f'{key}="{value}"', text, flags=re.MULTILINE)
        assert count == 1, key
    clinic_env.write_text(text)
    env = {**read_as_the_scripts_do(clinic_env), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    assert env["SECRET_KEY"] != "CHANGE-ME" and password in env["DATABASE_URL"]

    # Step 4: check --deploy, migrate (deploy/manage.sh runs manage.py with exactly this environment).
    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    manage("check", "--deploy", "--fail-level", "WARNING")
    manage("migrate", "--no-input")

    # clinic-web.service's command, then Caddy in front of it.
    web = UnitProcess(tmp_path / "clinic-web.log")
    command = exec_start("clinic-web.service", **{"${BIND}": bind, "/run/clinic-web": str(tmp_path)})
    try:
        web.spawn(
            command, env, ROOT, lambda: HttpClient(f"http://{bind}").get("/robots.txt").status < 500, "/robots.txt", 30
        )
        caddy.env["UPSTREAMS"] = bind
        caddy.start()
        try:
            home = caddy.client().get("/")
            assert home.status == 200, web.log_tail()
            assert home.headers["strict-transport-security"] == "max-age=300; includeSubDomains"
        finally:
            caddy.stop()
    finally:
        web.stop()
        delete_redis_keys(redis_url(), prefix)

    # The first backup: clinic-backup.service's command, which copies it off the server.
    backup = subprocess.run(
        exec_start("clinic-backup.service"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert backup.returncode == 0, backup.stdout + backup.stderr
    [local] = (tmp_path / "backups").glob("clinic-*.dump.age")
    assert offsite.arrived() == [local.name]
    assert (offsite.incoming / local.name).read_bytes() == local.read_bytes()
    assert (tmp_path / "backups" / "last-offsite-copy").exists()
