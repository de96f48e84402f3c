"""The files a practice installs from deploy/: the systemd units pass systemd's own checks and
carry what every service needs; env.example names every setting; the Caddyfile, rendered for a
real domain, asks for a public certificate."""

import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.live import ROOT, deployed_settings, env_file, production_env

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("clinic-*"))
SERVICES = [unit for unit in UNITS if unit.suffix == ".service"]
TIMERS = [unit for unit in UNITS if unit.suffix == ".timer"]


def directives(unit):
    return [line.strip() for line in unit.read_text().splitlines() if "=" in line and not line.startswith("#")]


@pytest.fixture
def installed_units(tmp_path):
    """The units as they would be installed, with this checkout in place of /srv/clinic (so the
    programs they start exist); a template also as one instance."""
    env = tmp_path / "clinic.env"
    shutil.copy(DEPLOY / "env.example", env)
    for unit in UNITS:
        text = unit.read_text().replace("/srv/clinic", str(ROOT)).replace("/etc/clinic/clinic.env", str(env))
        (tmp_path / unit.name).write_text(text)
    shutil.copy(tmp_path / "clinic-manage@.service", tmp_path / "clinic-manage@clearsessions.service")
    shutil.copy(tmp_path / "clinic-alarm@.service", tmp_path / "clinic-alarm@clinic-backup.service.service")
    return tmp_path


def test_systemd_analyze_verify_finds_nothing_to_say(installed_units):
    names = [unit.name for unit in UNITS if "@." not in unit.name] + [
        "clinic-manage@clearsessions.service",
        "clinic-alarm@clinic-backup.service.service",
    ]
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=installed_units, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    "service",
    [
        "clinic-web",
        "clinic-worker",
        "clinic-backup",
        "clinic-manage@clearsessions",
        "clinic-alarm@clinic-backup.service",
        "clinic-backup-check",
    ],
)
def test_services_are_hardened(installed_units, service):
    # systemd's own exposure score, 0 (locked down) to 10; "OK" is below 4.
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--threshold=20", f"{service}.service"],
        cwd=installed_units,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("unit", SERVICES, ids=lambda unit: unit.name)
def test_every_service_restarts_runs_as_the_site_user_and_reads_the_env_file(unit):
    lines = directives(unit)
    for required in (
        "User=clinic",
        "Group=clinic",
        "EnvironmentFile=/etc/clinic/clinic.env",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
    ):
        assert required in lines, f"{unit.name} lacks {required}"


def test_gunicorn_listens_on_loopback_and_reloads_with_hup():
    lines = directives(DEPLOY / "systemd" / "clinic-web.service")
    assert "ExecReload=/bin/kill -HUP $MAINPID" in lines
    assert any(line.startswith("ExecStart=") and "--bind ${BIND}" in line for line in lines)
    assert env_file(DEPLOY / "env.example")["BIND"].startswith("127.0.0.1:")


@pytest.mark.parametrize("timer", TIMERS, ids=lambda unit: unit.name)
def test_every_timer_starts_an_existing_unit_and_command(timer):
    [target] = [line.partition("=")[2] for line in directives(timer) if line.startswith("Unit=")]
    template, _, command = target.partition("@")
    if command:
        assert (DEPLOY / "systemd" / f"{template}@.service").exists()
        assert command.removesuffix(".service") in get_commands()
    else:
        assert (DEPLOY / "systemd" / target).exists()


def test_env_example_sets_every_variable_the_settings_read():
    source = (ROOT / "clinic_site" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', source)) | {"DATABASE_URL"}
    example = env_file(DEPLOY / "env.example")
    assert read - example.keys() == set()
    assert example["BEHIND_TLS_PROXY"] == "1"
    assert example["TRUSTED_PROXY_COUNT"] == "1"
    assert example["DEBUG"] == "0"


def check_deploy(**settings):
    # An empty database: the settings are judged here, not a developer's local content (the
    # notices check reads the database and warns about unreviewed notices, tests/notices).
    env = production_env(**{**settings, "DATABASE_URL": "sqlite:///:memory:"})
    del env["PLAIN_STATIC_STORAGE"]  # a test-only knob; env.example leaves it off
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_example_as_shipped_is_refused_by_the_deployment_checks():
    shipped = env_file(DEPLOY / "env.example")
    result = check_deploy(
        **{
            **deployed_settings(),
            "SECRET_KEY": shipped["SECRET_KEY"],
            "PACKET_ENCRYPTION_KEYS": shipped["PACKET_ENCRYPTION_KEYS"],
        }
    )
    assert result.returncode != 0
    for error in ("clinic_site.E012", "clinic_site.E013", "packets.E002"):
        assert error in result.stderr, result.stderr
    assert "clinic.example" in result.stderr


# What a practice writes over env.example's example values.
A_PRACTICE = {
    "ALLOWED_HOSTS": "smithvein.com",
    "CSRF_TRUSTED_ORIGINS": "https://smithvein.com",
    "SITE_URL": "https://smithvein.com",
    "APPOINTMENT_STAFF_EMAILS": "frontdesk@smithvein.com",
    "DEFAULT_FROM_EMAIL": "Smith Vein <no-reply@smithvein.com>",
    "EMAIL_HOST": "smtp.office365.com",
    "EMAIL_HOST_USER": "no-reply@smithvein.com",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_env_example_filled_in_passes_djangos_deployment_checks():
    result = check_deploy(**deployed_settings(**A_PRACTICE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_reads_the_same_in_bash_and_in_systemd():
    """The services read clinic.env with systemd's parser, the scripts and a shell with bash's:
    both must see every value alike (a `<` or a space unquoted breaks bash; quotes kept or `$`
    expanded would differ). systemd's parser here is its environment.d generator, which shares
    EnvironmentFile='s reading of quotes and comments."""
    text = (DEPLOY / "env.example").read_text()
    values = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert not [line for line in values if "$" in line or "\\" in line], "no $ or backslash in a value"
    bash = subprocess.run(
        ["bash", "-c", "set -euo pipefail -a; . ./env.example; env -0"],
        cwd=DEPLOY,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bash.returncode == 0, bash.stderr
    by_bash = dict(item.split("=", 1) for item in bash.stdout.split("\0") if "=" in item)

    generator = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"
    with tempfile.TemporaryDirectory() as config:
        (Path(config) / "environment.d").mkdir()
        shutil.copy(DEPLOY / "env.example", Path(config) / "environment.d" / "clinic.conf")
        parsed = subprocess.run(
            [generator], env={"XDG_CONFIG_HOME": config}, capture_output=True, text=True, timeout=60
        )
    assert parsed.returncode == 0, parsed.stderr
    by_systemd = {}
    for line in parsed.stdout.splitlines():
        [assignment] = shlex.split(line)
        key, _, value = assignment.partition("=")
        by_systemd[key] = value

    example = env_file(DEPLOY / "env.example")
    assert {key: by_bash[key] for key in example} == example
    assert {key: by_systemd[key] for key in example} == example
    assert example["DEFAULT_FROM_EMAIL"] == "Clinic <no-reply@clinic.example>"


def test_caddyfile_for_a_real_domain_asks_for_a_public_certificate_on_the_standard_ports():
    env = {"PATH": "/usr/bin:/bin", "SITE_ADDRESS": "clinic.example", "CADDY_TLS": "it@clinic.example"}
    result = subprocess.run(
        ["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    http = config["apps"]["http"]
    [server] = http["servers"].values()

    assert http["http_port"] == 80 and server["listen"] == ["[::]:443"]
    [policy] = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["clinic.example"]
    assert {issuer["module"] for issuer in policy["issuers"]} == {"acme", "zerossl"}
    assert {issuer["email"] for issuer in policy["issuers"]} == {"it@clinic.example"}
    # gunicorn on this machine unless told otherwise.
    assert '"dial":"127.0.0.1:8000"' in result.stdout.replace(" ", "")


def test_env_example_sets_every_variable_the_deploy_scripts_read():
    read = set()
    for script in [*DEPLOY.glob("*.sh"), DEPLOY / "alarm.py"]:
        text = script.read_text()
        read |= set(re.findall(r"\$\{([A-Z][A-Z_]+)[:}]", text)) | set(
            re.findall(r'environ(?:\.get\(|\[)"([A-Z_]+)"', text)
        )
    # Set by the scripts themselves or by the test/drill caller, not by clinic.env.
    internal = {"PGENV_URL", "DRILL_DB", "CLINIC_ENV_FILE", "CLINIC_PYTHON", "DRILL_ADMIN_URL"}
    example = env_file(DEPLOY / "env.example")
    assert read - internal - example.keys() == set()
