"""The database stalls under a running gunicorn: connections stay open but nothing answers (a
forwarder in front of PostgreSQL, paused). Every request still gets an answer well within
gunicorn's 30-second worker timeout, the 503 page where the database is needed, and the site
recovers when the database answers again, without a worker being killed.
"""

import concurrent.futures
import json
import time

import pytest
from django.db import connection

from tests.live import HttpClient, TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

GUNICORN_TIMEOUT = 30


def test_a_stalled_database_gives_the_503_page_not_a_killed_worker(
    live_database, start_gunicorn, shared_cache, office_phones
):
    with TcpProxy(live_database.server.hostname, live_database.server.port or 5432) as proxy:
        server = start_gunicorn(
            live_database.url(host="127.0.0.1", port=proxy.port),
            workers=2,
            DATABASE_CONNECT_TIMEOUT=3,
            DATABASE_STATEMENT_TIMEOUT=4,
            **shared_cache,
        )
        visitor = HttpClient(server.base_url)
        for path in ("/healthz", "/articles/", "/locations/", "/"):
            assert visitor.get(path).status == 200
        assert proxy.live_connections >= 1, "the workers keep their connections (CONN_MAX_AGE)"

        proxy.pause()
        # A query string is never served from the page cache: these pages must ask the database.
        paths = ["/healthz", "/articles/?page=1", "/healthz", "/articles/?page=1", "/locations/", "/"]
        # Each request from its own browser at once; a client that waited longer than gunicorn's
        # timeout would see a closed connection rather than an answer.
        with concurrent.futures.ThreadPoolExecutor(len(paths)) as pool:
            answers = list(
                pool.map(lambda path: HttpClient(server.base_url, timeout=GUNICORN_TIMEOUT).get(path), paths)
            )
        # The pages in the page cache (Redis) keep answering for their minute.
        assert [answer.status for answer in answers] == [503, 503, 503, 503, 200, 200]
        page = answers[1]
        assert page.headers.get("retry-after") == "60"
        for phone in office_phones:
            assert phone in page.text

        proxy.resume()
        deadline = time.monotonic() + 30
        while visitor.get("/healthz").status != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        health = visitor.get("/healthz")
        assert health.status == 200 and json.loads(health.body)["database"] == "ok"
        assert visitor.get("/articles/").status == 200

    log = server.log_tail(lines=2000)
    assert "WORKER TIMEOUT" not in log
    assert log.count("Booting worker") == 2  # no worker was killed and replaced


def test_connections_carry_the_timeouts(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT}s"
    parameters = connection.connection.get_dsn_parameters()
    assert parameters["keepalives"] == "1"
    assert parameters["tcp_user_timeout"] == str(settings.DATABASE_TCP_TIMEOUT * 1000)
    assert parameters["connect_timeout"] == str(settings.DATABASE_CONNECT_TIMEOUT)
