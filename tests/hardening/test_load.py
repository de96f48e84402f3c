"""Load on a live gunicorn + PostgreSQL: concurrent patients all get their request stored, and
the rate limit holds for one client across processes and servers (counters in Redis)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from appointments.models import AppointmentRequest
from tests.live import HttpClient

from .conftest import FORM_URL, RECEIVED_URL, valid_submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TABLE = AppointmentRequest._meta.db_table


@pytest.fixture
def live_request(live_database, office, request_day):
    """`live_request(last_name)`: a valid request for the live database's copy of the office."""
    [(live_office_pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])

    def build(last_name):
        return valid_submission(office, request_day, location=live_office_pk, last_name=last_name)

    return build


def test_200_requests_from_20_concurrent_clients_end_as_200_rows(
    live_database, start_gunicorn, shared_cache, live_request
):
    server = start_gunicorn(live_database.url(), workers=4, APPOINTMENT_RATE_LIMIT="100000/h", **shared_cache)
    run = uuid.uuid4().hex[:8]

    def patient(number):
        client = HttpClient(server.base_url)
        token = client.csrf_token(FORM_URL)
        statuses = []
        for attempt in range(10):
            request = {**live_request(f"Load-{run}-{number}-{attempt}"), "csrfmiddlewaretoken": token}
            response = client.post(FORM_URL, request)
            statuses.append((response.status, response.location))
        return statuses

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = [outcome for statuses in pool.map(patient, range(20), timeout=120) for outcome in statuses]

    assert len(results) == 200
    assert [status for status, _ in results if status >= 500] == []
    assert set(results) == {(303, RECEIVED_URL)}
    [(rows, references)] = live_database.execute(
        f'SELECT count(*), count(DISTINCT reference) FROM "{TABLE}" WHERE last_name LIKE %s', [f"Load-{run}-%"]
    )
    assert rows == references == 200


@pytest.mark.parametrize("servers", [1, 2], ids=["one-server", "two-servers"])
def test_one_client_sending_50_requests_is_stopped_after_5(
    live_database, start_gunicorn, shared_cache, live_request, office_phones, servers
):
    # Servers of one deployment share the secret key, the database and the Redis cache.
    secret = uuid.uuid4().hex * 2
    started = [
        start_gunicorn(live_database.url(), workers=2, APPOINTMENT_RATE_LIMIT="5/h", SECRET_KEY=secret, **shared_cache)
        for _ in range(servers)
    ]
    # One browser (one cookie jar) whose requests alternate between the servers.
    browser = HttpClient(started[0].base_url)
    tabs = [browser] + [HttpClient(server.base_url, cookies=browser.cookies) for server in started[1:]]
    token = browser.csrf_token(FORM_URL)
    run = uuid.uuid4().hex[:8]

    responses = []
    for number in range(50):
        request = {**live_request(f"Flood-{run}-{number}"), "csrfmiddlewaretoken": token}
        responses.append(tabs[number % servers].post(FORM_URL, request))

    assert [response.status for response in responses] == [303] * 5 + [429] * 45
    for phone in office_phones:
        assert phone in responses[-1].text
    [(stored,)] = live_database.execute(f'SELECT count(*) FROM "{TABLE}" WHERE last_name LIKE %s', [f"Flood-{run}-%"])
    assert stored == 5
