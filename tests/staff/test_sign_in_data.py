"""A failed sign-in keeps no query string and no form data: an admin search's term (a patient's
name) must not reach django-axes' table, the login page's URL or any log."""

from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from locations.models import Location
from tests.appointments.conftest import PATIENT, make_request

from .conftest import ADDRESS, enter_code, sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"
NAME = PATIENT["last_name"]
SEARCH = f"{CHANGELIST}?q={NAME}"


@pytest.fixture
def waiting_request(db):
    return make_request(Location.objects.get(slug="medical-center-drive"))


def test_an_expired_session_opening_a_search_is_sent_to_the_login_with_the_path_only(client, waiting_request):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={CHANGELIST}"
    assert "no-store" in response["Cache-Control"]
    # A login URL that still carries a query (a bookmark, an old tab) is sent on without it.
    old = client.get(f"/admin/login/?next={quote(SEARCH)}")
    assert old.status_code == 302
    assert NAME not in old["Location"]
    assert NAME not in client.get(old["Location"]).content.decode()


def test_wrong_passwords_and_codes_keep_no_query_or_form_data(client, phone, waiting_request, caplog):
    caplog.set_level("DEBUG")
    login_url = f"/admin/login/?next={quote(SEARCH)}"
    form = {"username": "rosa.front", "password": "wrong password", "next": SEARCH, "note": NAME}
    client.post(login_url, form, REMOTE_ADDR=ADDRESS)
    response = sign_in(client, "rosa.front", next_path=quote(SEARCH))
    assert response.status_code == 302
    step = client.get(response["Location"], follow=True)
    assert all(NAME not in url for url, _ in step.redirect_chain)
    assert enter_code(client, "000000", next_path=SEARCH).status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2
    for row in [*AccessAttempt.objects.values(), *AccessFailureLog.objects.values()]:
        assert NAME not in str(row)
    assert attempt.get_data == attempt.post_data == ""
    assert NAME not in caplog.text
