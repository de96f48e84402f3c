"""The database goes away under a running gunicorn and comes back: patients are asked to call,
the health check says so, and both recover without restarting anything.

The outage is a TCP proxy in front of the shared PostgreSQL server that the test cuts (closing
its listener and every live connection) and restores; the server itself is never touched.
"""

import pytest

from appointments.models import AppointmentRequest
from tests.live import HttpClient, TcpProxy

from .conftest import FORM_URL, RECEIVED_URL, valid_submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_database_outage_gives_503_with_phone_numbers_and_recovers_without_a_restart(
    live_database, start_gunicorn, shared_cache, office, request_day, office_phones
):
    table = AppointmentRequest._meta.db_table
    [(live_office_pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    with TcpProxy(live_database.server.hostname, live_database.server.port or 5432) as proxy:
        # One worker, so the warm-up below surely reaches the process that answers during the cut
        # (the error page falls back on the offices each process read last).
        server = start_gunicorn(
            live_database.url(host="127.0.0.1", port=proxy.port),
            workers=1,
            DATABASE_CONNECT_TIMEOUT=2,
            APPOINTMENT_RATE_LIMIT="1000/h",
            **shared_cache,
        )
        patient = HttpClient(server.base_url)
        token = patient.csrf_token(FORM_URL)
        assert patient.get("/healthz").status == 200
        # Now in the page cache (Redis): stored for a visitor without cookies (the patient has
        # the form's CSRF cookie), served to every visitor.
        assert HttpClient(server.base_url).get("/").status == 200
        assert proxy.live_connections >= 1, "the worker keeps its connection (CONN_MAX_AGE)"
        before = live_database.count(table)
        request = {**valid_submission(office, request_day, location=live_office_pk), "csrfmiddlewaretoken": token}

        proxy.cut()
        assert proxy.live_connections == 0
        refused = patient.post(FORM_URL, request)
        assert refused.status == 503
        assert refused.headers.get("retry-after") == "60"
        for phone in office_phones:
            assert phone in refused.text
        assert "Traceback" not in refused.text and "OperationalError" not in refused.text
        health = patient.get("/healthz")
        assert health.status == 503
        assert health.headers["cache-control"].startswith("max-age=0")
        assert patient.get("/locations/").status == 503
        # A page already in the page cache keeps answering for its minute, without the database.
        assert patient.get("/").status == 200

        proxy.restore()
        assert patient.get("/healthz").status == 200
        # Nothing was half-written during the outage: the same request now goes through once.
        assert live_database.count(table) == before
        accepted = patient.post(FORM_URL, request)
        assert accepted.status == 303
        assert accepted.location == RECEIVED_URL
        assert live_database.count(table) == before + 1

    # The same process and worker served throughout: recovery needed no restart.
    assert server.process.poll() is None
    assert server.log_tail(lines=1000).count("Booting worker") == 1
