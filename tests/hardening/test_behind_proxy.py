"""gunicorn behind a proxy (BEHIND_TLS_PROXY=1, TRUSTED_PROXY_COUNT=1), as docs/configuration.md deploys it:
each client keeps its own rate limit and its own sign-in lockout, and a malformed
X-Forwarded-For hop falls back on the connecting address instead of a 500.

The clients are real HTTP requests to a real gunicorn on PostgreSQL and Redis; the proxy's
X-Forwarded-For header is what a proxy in front would append.
"""

import pytest

from appointments.models import AppointmentRequest
from tests.live import HttpClient

from .conftest import FORM_URL, RECEIVED_URL, create_live_superuser, valid_submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "a-long-staff-password-" + "x" * 8
MALFORMED_HOPS = ["1.2.3.4:5678", "[2001:db8::1]", "garbage", "999.1.1.1", "[2001:db8::1]:443", "fe80::1%eth0"]


@pytest.fixture
def proxied_server(live_database, start_gunicorn, shared_cache):
    return start_gunicorn(
        live_database.url(),
        BEHIND_TLS_PROXY=1,
        TRUSTED_PROXY_COUNT=1,
        APPOINTMENT_RATE_LIMIT="5/h",
        AXES_FAILURE_LIMIT=5,
        **shared_cache,
    )


@pytest.fixture
def live_submission(live_database, office, request_day):
    [(office_pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    return valid_submission(office, request_day, location=office_pk)


@pytest.fixture
def staff_user(live_database):
    username = create_live_superuser(live_database, PASSWORD, "staff")
    return username


def send(server, submission, forwarded_for):
    patient = HttpClient(server.base_url)
    token = patient.csrf_token(FORM_URL)
    return patient.post(
        FORM_URL, {**submission, "csrfmiddlewaretoken": token}, headers={"X-Forwarded-For": forwarded_for}
    )


def sign_in(server, username, password, forwarded_for):
    staff = HttpClient(server.base_url)
    token = staff.csrf_token(LOGIN_URL)
    return staff.post(
        LOGIN_URL,
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_seven_patients_behind_the_proxy_each_get_their_own_limit(proxied_server, live_database, live_submission):
    table = AppointmentRequest._meta.db_table
    before = live_database.count(table)
    statuses = [send(proxied_server, live_submission, f"203.0.113.{n}").status for n in range(1, 8)]
    assert statuses == [303] * 7
    assert live_database.count(table) == before + 7
    # One client is still held to the limit.
    statuses = [send(proxied_server, live_submission, "198.51.100.9").status for _ in range(6)]
    assert statuses == [303] * 5 + [429]


def test_wrong_passwords_from_one_address_do_not_lock_out_the_staff_member_elsewhere(proxied_server, staff_user):
    for _ in range(6):
        assert sign_in(proxied_server, staff_user, "wrong-password", "198.51.100.66").status in {200, 429}
    assert sign_in(proxied_server, staff_user, PASSWORD, "198.51.100.66").status != 302  # locked there
    signed_in = sign_in(proxied_server, staff_user, PASSWORD, "203.0.113.77")
    assert signed_in.status == 302
    assert signed_in.location == "/admin/"


@pytest.mark.parametrize("hop", MALFORMED_HOPS)
def test_a_malformed_forwarded_hop_neither_loses_a_request_nor_breaks_sign_in(
    proxied_server, live_database, live_submission, staff_user, hop
):
    table = AppointmentRequest._meta.db_table
    before = live_database.count(table)
    sent = send(proxied_server, live_submission, hop)
    assert sent.status == 303
    assert sent.location == RECEIVED_URL
    assert live_database.count(table) == before + 1

    refused = sign_in(proxied_server, staff_user, "wrong-password", hop)
    assert refused.status == 200
    assert "Please enter the correct username and password" in refused.text
    signed_in = sign_in(proxied_server, staff_user, PASSWORD, hop)
    assert signed_in.status == 302
