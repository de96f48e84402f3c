"""Redis goes away under a running gunicorn: the request form still renders and a patient's
valid request is still stored (the rate limit is skipped and logged, the form is rendered without
its fragment cache), and /healthz stays 200 but says the cache is down.

Two real outages: REDIS_URL on a port nobody listens on (refused), and a Redis reached through a
forwarder that is paused (connections accepted, nothing ever answered).
"""

import json
import urllib.parse

import pytest

from appointments.models import AppointmentRequest
from tests.live import HttpClient, TcpProxy, free_port, redis_url

from .conftest import FORM_URL, RECEIVED_URL, valid_submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PATIENT_TRACES = ["Quillfeather", "261-7788", "2617788"]


def log_records(server):
    records = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def check_form_works_without_the_cache(server, live_database, submission):
    table = AppointmentRequest._meta.db_table
    patient = HttpClient(server.base_url)
    for path in (FORM_URL, "/es" + FORM_URL):
        page = patient.get(path)
        assert page.status == 200, path
        assert 'name="first_name"' in page.text
    token = patient.csrf_token(FORM_URL)
    before = live_database.count(table)
    sent = patient.post(
        FORM_URL,
        {**submission, "csrfmiddlewaretoken": token},
    )
    assert sent.status == 303
    assert sent.location == RECEIVED_URL
    assert live_database.count(table) == before + 1
    assert patient.get(RECEIVED_URL).status == 200

    health = patient.get("/healthz")
    assert health.status == 200
    body = json.loads(health.body)
    assert {key: body[key] for key in ("status", "database", "cache")} == {
        "status": "ok",
        "database": "ok",
        "cache": "unreachable",
    }

    records = log_records(server)
    assert any(record["message"] == "rate limit not checked: cache unreachable" for record in records)
    log = server.log_path.read_text(errors="replace")
    for trace in PATIENT_TRACES:
        assert trace not in log


@pytest.fixture
def live_submission(live_database, office, request_day):
    """A valid request naming the office as the live server's database numbers it."""
    [(office_pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    return valid_submission(office, request_day, location=office_pk, last_name="Quillfeather", phone="915-261-7788")


def test_redis_refusing_connections_loses_no_request(live_database, start_gunicorn, live_submission):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    server = start_gunicorn(live_database.url(), workers=1, REDIS_URL=closed, CACHE_KEY_PREFIX="closed")
    check_form_works_without_the_cache(server, live_database, live_submission)


def test_redis_that_never_answers_loses_no_request(live_database, start_gunicorn, shared_cache, live_submission):
    redis = urllib.parse.urlsplit(redis_url())
    with TcpProxy(redis.hostname, redis.port or 6379) as proxy:
        server = start_gunicorn(
            live_database.url(),
            workers=1,
            REDIS_URL=redis._replace(netloc=f"127.0.0.1:{proxy.port}").geturl(),
            CACHE_KEY_PREFIX=shared_cache["CACHE_KEY_PREFIX"],
        )
        warm = HttpClient(server.base_url)
        assert warm.get(FORM_URL).status == 200  # the blank form's fragment is now in Redis
        assert json.loads(warm.get("/healthz").body)["cache"] == "ok"
        proxy.pause()
        try:
            check_form_works_without_the_cache(server, live_database, live_submission)
        finally:
            proxy.resume()
        assert json.loads(warm.get("/healthz").body)["cache"] == "ok"
