"""Hostile or unlucky requests (security review, items 7 and 8): control characters in cookies
and query strings, and a database outage met while saving a session, give a 4xx or a 503, never
a 500, and never after the patient's request was stored."""

import pytest
from django.contrib.auth import get_user_model

from appointments.models import AppointmentRequest
from tests.live import django_with_refused_database

from .conftest import FORM_URL, RECEIVED_URL

pytestmark = pytest.mark.django_db

# A quoted cookie whose octal escape decodes to NUL when Django reads it.
NUL_SESSION_COOKIE = 'sessionid="\\000aaaaaaaaaaaa"'


@pytest.mark.parametrize("path", ["/healthz", "/", "/articles/", "/locations/", FORM_URL, "/es/"])
def test_a_session_cookie_holding_nul_is_ignored(client, path):
    response = client.get(path, HTTP_COOKIE=NUL_SESSION_COOKIE)
    assert response.status_code == 200


def test_a_request_sent_with_a_nul_session_cookie_is_stored_once_and_confirmed(client, submission):
    client.cookies.clear()
    page = client.get(FORM_URL, HTTP_COOKIE=NUL_SESSION_COOKIE)
    token = page.cookies["csrftoken"].value
    cookie = f"{NUL_SESSION_COOKIE}; csrftoken={token}"
    sent = client.post(FORM_URL, {**submission, "csrfmiddlewaretoken": token}, HTTP_COOKIE=cookie)
    assert sent.status_code == 303
    assert sent["Location"] == RECEIVED_URL
    assert AppointmentRequest.objects.count() == 1
    # The confirmation lives in the new session the site gave this browser.
    assert client.get(RECEIVED_URL).status_code == 200


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        ("/admin/appointments/appointmentrequest/?status__exact=%00", "/admin/appointments/appointmentrequest/"),
        ("/admin/appointments/appointmentrequest/?q=%00", "/admin/appointments/appointmentrequest/"),
        ("/admin/appointments/appointmentrequest/?q=Maria%1b", "/admin/appointments/appointmentrequest/"),
        (
            "/admin/appointments/appointmentrequest/?status__exact=new&q=%00",
            "/admin/appointments/appointmentrequest/?status__exact=new",
        ),
        ("/admin/locations/location/?q=%00", "/admin/locations/location/"),
        ("/admin/locations/location/?%00=1", "/admin/locations/location/"),
    ],
)
def test_control_characters_in_a_query_string_are_ignored(client, url, same_as):
    staff = get_user_model().objects.create_superuser("desk", "desk@clinic.test", "a-long-test-password")
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    expected = client.get(same_as)
    assert response.context["cl"].result_count == expected.context["cl"].result_count
    assert response.context["cl"].params == expected.context["cl"].params


def test_a_session_cookie_meets_a_database_outage_with_the_503_page():
    # A real refused database (nothing listens on port 1), in a process of its own.
    statuses = django_with_refused_database(
        "from django.test import Client;"
        "c = Client(raise_request_exception=False);"
        "c.cookies['sessionid'] = 'abcdefgh12345678abcdefgh12345678';"
        "print(json.dumps([c.get(p).status_code for p in ('/', '/privacy/', '/appointments/request/')]))"
    )
    assert statuses == [503, 503, 503]
