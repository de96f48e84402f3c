"""Fixtures for the deployment tests: the hardening tests' real servers (tests/live.py), with
Caddy running the shipped deploy/Caddyfile in front."""

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
from tests.live import CaddyServer


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
