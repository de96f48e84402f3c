import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "PACKET_ENCRYPTION_KEYS": "Q0xJTklDLXRlc3QtcGFja2V0LWtleS0zMi1ieXRlcyE=",
    # A practice's real domain: check --deploy refuses env.example's reserved ones (deploy_checks.py).
    "ALLOWED_HOSTS": "smithvein.com",
    # https: passkeys need the public https address (staff.W002).
    "SITE_URL": "https://smithvein.com",
    "APPOINTMENT_STAFF_EMAILS": "frontdesk@smithvein.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def python(*args, env):
    # The real settings module, without anything the test settings put in the environment.
    # (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.)
    test_only = {
        "SECRET_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "PLAIN_STATIC_STORAGE",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    base["DJANGO_SETTINGS_MODULE"] = "clinic_site.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


WITHOUT_SECRET_KEY = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}


def test_the_web_server_without_secret_key_stops_with_one_clear_line():
    # gunicorn imports this module to serve the site.
    result = python("-c", "import clinic_site.wsgi", env=WITHOUT_SECRET_KEY)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "SECRET_KEY is not set: export SECRET_KEY=<a long random string> (or DEBUG=1 for development)."
    )


def test_the_deployment_checklist_fails_without_secret_key():
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=WITHOUT_SECRET_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_commands_that_need_no_secret_run_without_one():
    result = python("manage.py", "makemigrations", "--check", "--dry-run", env=WITHOUT_SECRET_KEY)
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_needs_no_configuration():
    result = python("manage.py", "check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


# --- behind a proxy (security review, item 2) ---------------------------------------------------

BEHIND_PROXY_ENV = {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "1"}


def test_a_proxy_without_a_trusted_proxy_count_fails_the_deployment_checklist():
    result = python("manage.py", "check", "--deploy", env=BEHIND_PROXY_ENV)
    assert result.returncode != 0
    assert "clinic_site.E001" in result.stderr and "TRUSTED_PROXY_COUNT" in result.stderr
    # Only a deployment concern: development and the plain check are not held up by it.
    assert python("manage.py", "check", env=BEHIND_PROXY_ENV).returncode == 0


def test_a_proxy_with_its_count_passes_the_deployment_checklist():
    env = {**BEHIND_PROXY_ENV, "TRUSTED_PROXY_COUNT": "1"}
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_deployment_example_in_the_docs_sets_the_proxy_count():
    readme = (ROOT / "docs" / "configuration.md").read_text()
    blocks = readme.split("```")[1::2]
    examples = [block for block in blocks if "BEHIND_TLS_PROXY=1" in block]
    assert examples, "docs/configuration.md shows how to deploy behind a proxy"
    for block in examples:
        assert "TRUSTED_PROXY_COUNT=" in block, block
