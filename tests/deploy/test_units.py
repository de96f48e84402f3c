"""The files a practice installs from deploy/: the systemd units pass systemd's own checks and
carry what every service needs; env.example names every setting; the Caddyfile, rendered for a
real domain, asks for a public certificate."""

import json
import re
import shutil
import subprocess
import sys

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
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/clinic", str(ROOT)))
    shutil.copy(tmp_path / "clinic-manage@.service", tmp_path / "clinic-manage@clearsessions.service")
    return tmp_path


def test_systemd_analyze_verify_finds_nothing_to_say(installed_units):
    names = [unit.name for unit in UNITS if "@." not in unit.name] + ["clinic-manage@clearsessions.service"]
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=installed_units, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("service", ["clinic-web", "clinic-worker", "clinic-backup", "clinic-manage@clearsessions"])
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


def test_env_example_passes_djangos_deployment_checks():
    # An empty database: the settings are judged here, not a developer's local content (the
    # notices check reads the database and warns about unreviewed notices, tests/notices).
    env = production_env(**deployed_settings(DATABASE_URL="sqlite:///:memory:"))
    del env["PLAIN_STATIC_STORAGE"]  # a test-only knob; env.example leaves it off
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
