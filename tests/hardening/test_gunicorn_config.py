"""gunicorn as the site runs it (gunicorn.conf.py, used by `make serve` and tests/live.py):
the access log holds no query string and no Referer, so admin searches for a patient leave no
trace of them; and forwarded headers are believed only from the configured proxy.
"""

import json
import re

import pytest

from tests.live import HttpClient

from .conftest import FORM_URL, create_live_superuser, valid_submission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PASSWORD = "a-long-staff-password-" + "y" * 8
CHANGELIST = "/admin/appointments/appointmentrequest/"
PATIENT_TRACES = ["Marchbanks", "Zebulon", "261-7788", "2617788", "zeb.m", "example.org"]


def signed_in_staff(server, live_database):
    username = create_live_superuser(live_database, PASSWORD, "frontdesk")
    staff = HttpClient(server.base_url)
    token = staff.csrf_token("/admin/login/")
    assert (
        staff.post("/admin/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).status
        == 302
    )
    return staff


def test_admin_searches_leave_no_patient_data_in_the_access_log(
    live_database, start_gunicorn, shared_cache, office, request_day
):
    # The subject is the access log, not the sign-in: the second factor (tests/staff/) is off
    # here so the searches need only the password.
    server = start_gunicorn(live_database.url(), workers=1, STAFF_SECOND_FACTOR="0", **shared_cache)
    [(office_pk,)] = live_database.execute("SELECT id FROM locations_location WHERE slug = %s", [office.slug])
    patient = HttpClient(server.base_url)
    token = patient.csrf_token(FORM_URL)
    submission = valid_submission(
        office,
        request_day,
        location=office_pk,
        first_name="Zebulon",
        last_name="Marchbanks",
        phone="915-261-7788",
        email="zeb.m@example.org",
    )
    assert patient.post(FORM_URL, {**submission, "csrfmiddlewaretoken": token}).status == 303
    [(pk,)] = live_database.execute(
        "SELECT id FROM appointments_appointmentrequest WHERE last_name = %s", ["Marchbanks"]
    )

    staff = signed_in_staff(server, live_database)
    searches = ["?q=Marchbanks", "?q=915-261-7788", "?q=zeb.m%40example.org", "?q=Zebulon+Marchbanks"]
    for search in searches:
        found = staff.get(CHANGELIST + search, headers={"Referer": server.url(CHANGELIST + search)})
        assert found.status == 200
        assert "Marchbanks" in found.text
    change = f"{CHANGELIST}{pk}/change/?_changelist_filters=q%3DMarchbanks%26status__exact%3Dnew"
    assert staff.get(change, headers={"Referer": server.url(CHANGELIST + "?q=Marchbanks")}).status == 200

    server.stop()  # flushes the log
    log = server.log_path.read_text(errors="replace")
    # The access log is there, one line a request with its path and status...
    assert len(re.findall(rf'"GET {re.escape(CHANGELIST)} HTTP/1.1" 200 ', log)) == len(searches)
    assert f'"GET {CHANGELIST}{pk}/change/ HTTP/1.1" 200 ' in log
    # ...and nothing the patient typed, in query strings or Referers.
    for trace in PATIENT_TRACES:
        assert trace not in log, trace
    assert "?q=" not in log and "_changelist_filters" not in log


def absolute_links(page):
    return re.findall(r'hreflang="[^"]+" href="([^"]+)"', page.text)


@pytest.mark.parametrize("trusted", [False, True])
def test_a_forwarded_scheme_is_believed_only_from_the_configured_proxy(
    live_database, start_gunicorn, shared_cache, trusted
):
    settings = {"FORWARDED_ALLOW_IPS": "127.0.0.1"} if trusted else {}
    server = start_gunicorn(live_database.url(), workers=1, **shared_cache, **settings)
    visitor = HttpClient(server.base_url)
    # Straight to gunicorn from this machine, claiming to have come through TLS.
    forged = visitor.get("/", headers={"X-Forwarded-Proto": "https"})
    assert forged.status == 200
    expected = "https://" if trusted else "http://"
    assert absolute_links(forged) and all(link.startswith(expected) for link in absolute_links(forged))
    # Whatever that request was believed to be, a plain visitor gets plain links (page cache).
    plain = visitor.get("/")
    assert absolute_links(plain) and all(link.startswith("http://") for link in absolute_links(plain))


def test_the_patients_link_is_logged_without_its_token(live_database, start_gunicorn, shared_cache):
    server = start_gunicorn(live_database.url(), workers=1, **shared_cache)
    token = "Q" * 43
    client = HttpClient(server.base_url)
    assert client.get(f"/appointments/visit/{token}/").status == 400
    assert client.get(f"/es/appointments/visit/{token}/").status == 400
    server.stop()  # flushes the log
    log = server.log_path.read_text(errors="replace")
    assert token not in log
    # gunicorn's access log and Django's own line for the refused link both show the path cut.
    assert '"GET /appointments/visit/…/ HTTP/1.1" 400 ' in log
    assert '"GET /es/appointments/visit/…/ HTTP/1.1" 400 ' in log
    django_lines = [json.loads(line)["message"] for line in log.splitlines() if line.startswith('{"')]
    assert "Bad Request: /appointments/visit/…/" in django_lines
