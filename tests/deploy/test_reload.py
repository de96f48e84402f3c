"""The zero-downtime deploy's last step (deploy/README.md): `systemctl reload clinic-web` sends
gunicorn HUP; it starts workers on the new code and lets the old ones finish. Requests keep
being answered throughout."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live import HttpClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MAX_REQUESTS_PER_CLIENT = 2000


def workers(server):
    """The worker processes' ids under gunicorn's master."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text()
    return {int(pid) for pid in children.split()}


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_requests_keep_being_answered_during_a_hup_reload(live_database, start_gunicorn, shared_cache):
    server = start_gunicorn(live_database.url(), workers=2, KEEP_REAL_CLOCK="1", **shared_cache)
    assert wait_for(lambda: len(workers(server)) == 2)
    old_workers = workers(server)
    done = threading.Event()
    answered = []

    def client(path):
        # Bounded: stops when the reload is over, or after MAX_REQUESTS_PER_CLIENT requests.
        browser = HttpClient(server.base_url, timeout=10)
        outcomes = []
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if done.is_set():
                break
            try:
                outcomes.append(browser.get(path).status)
            except OSError as error:
                outcomes.append(repr(error))
            answered.append(1)
        return outcomes

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(client, path) for path in ("/", "/healthz", "/articles/")]
        assert wait_for(lambda: len(answered) >= 30)
        os.kill(server.process.pid, signal.SIGHUP)
        replaced = wait_for(lambda: len(workers(server)) == 2 and not workers(server) & old_workers)
        settled = len(answered)
        wait_for(lambda: len(answered) >= settled + 30)
        done.set()
        outcomes = [outcome for future in futures for outcome in future.result(timeout=60)]

    assert replaced, "gunicorn should have replaced both workers"
    assert len(outcomes) >= 60
    assert set(outcomes) == {200}, [outcome for outcome in outcomes if outcome != 200][:5]
