"""Fixtures for the deployment tests: the hardening tests' real servers (tests/live.py), with
Caddy running the shipped deploy/Caddyfile in front."""

import shutil

import pytest

# The throwaway databases and the practice's age key, for every backup test here.
from tests.deploy.test_backup import databases, practice_key  # noqa: F401

# The same live PostgreSQL database, Redis prefix, gunicorn starter and office as the hardening tests.
from tests.hardening.conftest import (  # noqa: F401
    live_database,
    office,
    request_day,
    shared_cache,
    start_gunicorn,
)
from tests.live import CaddyServer, production_env


@pytest.fixture
def start_caddy(tmp_path):
    """`start_caddy(upstream_ports)`: Caddy with deploy/Caddyfile in front of them; stopped at the end."""
    proxies = []

    def start(upstream_ports):
        proxy = CaddyServer(upstream_ports, tmp_path)
        proxies.append(proxy)
        return proxy.start()

    yield start
    for proxy in proxies:
        proxy.stop()


RECORDED = ("pg_dump", "pg_restore", "psql", "createdb", "dropdb", "python3", "age")


@pytest.fixture
def recorded_path(tmp_path):
    """A PATH whose first folder wraps each program in RECORDED: every argument list lands in
    argv.log (NUL-separated, one line per run) before the real program runs."""
    folder = tmp_path / "recording"
    folder.mkdir()
    log = tmp_path / "argv.log"
    system_path = production_env()["PATH"]
    for program in RECORDED:
        real = shutil.which(program, path=system_path)
        assert real, f"{program} is needed"
        wrapper = folder / program
        wrapper.write_text(f'#!/bin/bash\nprintf "%s\\0" "$0" "$@" >> {log}\necho >> {log}\nexec {real} "$@"\n')
        wrapper.chmod(0o755)
    return f"{folder}:{system_path}", log
