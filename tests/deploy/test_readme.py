"""deploy/README.md agrees with the files beside it: one list of timers, the one the units make;
every shipped file named; commands that work on a fresh Debian 12 with root and no sudo; the
secrets step leaves a clinic.env that both bash and the scripts read back."""

import base64
import re
import subprocess

from tests.live import ROOT, env_file

DEPLOY = ROOT / "deploy"
README = (DEPLOY / "README.md").read_text()
TIMERS = sorted(path.stem for path in (DEPLOY / "systemd").glob("clinic-*.timer"))


def shell_blocks():
    return re.findall(r"```sh\n(.*?)```", README, re.DOTALL)


def test_the_enable_line_starts_every_timer_the_units_define():
    [enable] = [line for block in shell_blocks() for line in block.splitlines() if "enable --now clinic-notify" in line]
    assert sorted(re.findall(r"(clinic-[\w-]+)\.timer", enable)) == TIMERS


def test_the_real_restore_stops_and_starts_every_timer():
    [restore] = [block for block in shell_blocks() if "deploy/restore.sh" in block]
    lines = restore.splitlines()
    assert lines[0] == "systemctl stop 'clinic-*.timer' clinic-worker clinic-web"
    [start] = [line for line in lines if line.startswith("systemctl start clinic-notify")]
    assert sorted(re.findall(r"(clinic-[\w-]+)\.timer", start)) == TIMERS


def test_what_runs_lists_each_timer_once_with_the_count():
    what_runs = README.split("What runs:")[1].split("## HTTPS")[0]
    listed = re.findall(r"^  - `(clinic-[\w-]+)`", what_runs, re.MULTILINE)
    assert sorted(listed) == TIMERS
    assert (
        f"**Timers**, {['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'][len(TIMERS)]}:"
        in what_runs
    )
    assert "prune_db_task_results" in what_runs


def test_every_shipped_file_is_named():
    shipped = [path for path in DEPLOY.rglob("*") if path.is_file() and path.name != "README.md"]
    for path in shipped:
        if path.parent.name == "systemd" and path.name.startswith("clinic-"):
            continue  # the table names them as clinic-*.service and clinic-*.timer
        assert f"`{path.name}`" in README or str(path.relative_to(DEPLOY)) in README, path


def test_no_sudo_on_a_fresh_debian():
    for block in shell_blocks():
        assert not re.search(r"(^|\s)sudo\s", block), block
    assert "runuser -u postgres --" in README


def test_the_secrets_step_writes_a_clinic_env_that_bash_and_the_scripts_read(tmp_path):
    [block] = [block for block in shell_blocks() if "token_urlsafe(32)" in block]
    program = block.split("<<'PY'\n")[1].split("\nPY\n")[0]
    clinic_env = tmp_path / "clinic.env"
    clinic_env.write_text((DEPLOY / "env.example").read_text())
    generate = subprocess.run(
        ["python3", "-c", "import secrets; print(secrets.token_urlsafe(32))"], capture_output=True, text=True
    )
    password = generate.stdout.strip()

    written = subprocess.run(
        ["python3", "-", str(clinic_env)],
        input=program,
        env={"PATH": "/usr/bin:/bin", "DB_PASSWORD": password},
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr

    values = env_file(clinic_env)
    assert len(values["SECRET_KEY"]) >= 60 and "CHANGE" not in values["SECRET_KEY"]
    assert len(base64.urlsafe_b64decode(values["PACKET_ENCRYPTION_KEYS"])) == 32
    read_back = subprocess.run(
        [
            "bash",
            "-c",
            f'set -euo pipefail -a; . {clinic_env}; . {DEPLOY / "pgenv.sh"}; pg_env_from_url "$DATABASE_URL"; '
            'printf "%s\\n" "$PGUSER" "$PGPASSWORD" "$PGDATABASE"',
        ],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert read_back.returncode == 0, read_back.stderr
    assert read_back.stdout.splitlines() == ["clinic", password, "clinic"]


def test_hsts_starts_short_without_preload():
    example = env_file(DEPLOY / "env.example")
    assert (example["SECURE_HSTS_SECONDS"], example["SECURE_HSTS_PRELOAD"]) == ("300", "0")
    assert 'SECURE_HSTS_SECONDS="31536000"' in README and "hstspreload.org" in README
