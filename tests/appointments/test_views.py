import re

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client

from appointments.models import AppointmentRequest
from tests.page import label_texts

from .conftest import PATIENT, THURSDAY, form_data

pytestmark = pytest.mark.django_db

FORM_URL = "/appointments/request/"
RECEIVED_URL = "/appointments/request/received/"
LABELS = [
    "First name",
    "Last name",
    "Phone",
    "Email",
    "Office",
    "Preferred date",
    "Preferred time",
    "New or returning patient",
    "Reason for visit",
    "Message",
    "How should we contact you?",
    "Language for the call back",
    "I agree to be contacted about this request",
]


def checked_value(html, name):
    match = re.search(rf'<input type="radio"[^>]*name="{name}" value="([^"]*)"[^>]*checked', html)
    return match and match.group(1)


def submit(client, office, **overrides):
    return client.post(FORM_URL, form_data(office, **overrides))


# --- The form --------------------------------------------------------------------------------


def test_the_form_asks_every_question_with_its_label(client):
    html = client.get(FORM_URL).content.decode()
    for label in LABELS:
        assert label in label_texts(html), label
    for choice in ["Morning", "Afternoon", "Any time", "New patient", "Returning patient", "Restless legs"]:
        assert choice in label_texts(html), choice
    for choice in ["Vein concerns", "Leg pain or swelling", "Other", "Phone call", "English", "Español"]:
        assert choice in label_texts(html), choice
    assert '<button type="submit" class="btn btn-primary btn-lg">Request appointment</button>' in html


def test_the_form_helps_phones_fill_it_in(client):
    html = client.get(FORM_URL).content.decode()
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"[^>]*inputmode="tel"', html)
    assert re.search(r'<input type="date" name="preferred_date"', html)
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    assert 'type="radio" class="form-check-input"  name="preferred_time"' in html


def test_the_form_offers_the_offices_that_take_requests(client, medical_center, dean_martin):
    dean_martin.accepts_requests = False
    dean_martin.save()
    html = client.get(FORM_URL).content.decode()
    assert f'name="location" value="{medical_center.pk}"' in html
    assert f'name="location" value="{dean_martin.pk}"' not in html


def test_a_location_in_the_address_preselects_the_office(client, dean_martin):
    html = client.get(FORM_URL, {"location": "dean-martin"}).content.decode()
    assert checked_value(html, "location") == str(dean_martin.pk)


def test_the_kept_blank_form_still_follows_the_office_and_the_language(client, dean_martin):
    # The blank form's fields are kept in the cache for a minute; a visit with another office
    # or in another language must never be served the first visitor's copy.
    assert checked_value(client.get(FORM_URL).content.decode(), "location") is None
    preselected = client.get(FORM_URL, {"location": "dean-martin"}).content.decode()
    assert checked_value(preselected, "location") == str(dean_martin.pk)
    assert checked_value(client.get(FORM_URL).content.decode(), "location") is None
    spanish = client.get("/es" + FORM_URL).content.decode()
    assert "Nombre" in spanish and ">First name" not in spanish


@pytest.mark.parametrize("slug", ["no-such-office", "dean\x00martin", "<script>", "x" * 300])
def test_an_unknown_location_in_the_address_is_ignored(client, slug):
    response = client.get(FORM_URL, {"location": slug})
    assert response.status_code == 200
    assert checked_value(response.content.decode(), "location") is None


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(FORM_URL).content.decode()
    assert re.search(r'<div id="div_id_website" class="[^"]*visually-hidden', html)
    assert re.search(r'<label\s+for="id_website"[^>]*>\s*Leave this field empty', html)
    assert re.search(r'<input type="text" name="website" tabindex="-1" autocomplete="off"', html)


def test_the_form_is_in_spanish_under_es(client):
    response = client.get("/es" + FORM_URL)
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    assert checked_value(response.content.decode(), "callback_language") == "es"


# --- A successful request --------------------------------------------------------------------


def test_a_valid_request_is_stored_and_redirects_with_303(client, dean_martin):
    response = submit(client, dean_martin, phone="+52 656 123 4567", callback_language="es")
    assert response.status_code == 303
    assert response["Location"] == RECEIVED_URL
    stored = AppointmentRequest.objects.get()
    assert (stored.first_name, stored.last_name, stored.email) == (
        PATIENT["first_name"],
        PATIENT["last_name"],
        PATIENT["email"],
    )
    assert stored.phone.as_e164 == "+526561234567"
    assert stored.location == dean_martin
    assert stored.preferred_date == THURSDAY
    assert (stored.preferred_time, stored.patient_kind, stored.reason) == ("afternoon", "new", "restless_legs")
    assert (stored.contact_method, stored.callback_language, stored.language) == ("phone", "es", "en")
    assert stored.status == "new"
    assert stored.consented_at is not None
    assert re.fullmatch(r"[ACDEFGHJKLMNPQRTUVWXY34679]{8}", stored.reference)


def test_the_confirmation_shows_reference_office_date_and_phone(client, dean_martin):
    submit(client, dean_martin)
    stored = AppointmentRequest.objects.get()
    response = client.get(RECEIVED_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert stored.display_reference in html
    assert "Dean Martin" in html
    assert "Thursday, December 3, 2026" in html
    assert 'href="tel:+19152604633"' in html and "915-260-4633" in html
    assert "Our front desk will call you back to book your appointment." in html
    # What the patient typed stays out of the page: it is only a receipt.
    assert PATIENT["last_name"] not in html and PATIENT["message"] not in html


def test_the_confirmation_says_email_when_the_patient_chose_email(client, medical_center):
    submit(client, medical_center, contact_method="email")
    assert "Our front desk will email you to book your appointment." in client.get(RECEIVED_URL).content.decode()


def test_the_confirmation_is_shown_only_to_the_browser_that_sent_the_request(client, dean_martin):
    submit(client, dean_martin)
    assert client.get(RECEIVED_URL).status_code == 200
    other_browser = Client()
    response = other_browser.get(RECEIVED_URL)
    assert response.status_code == 302
    assert response["Location"] == FORM_URL


def test_the_confirmation_without_a_request_redirects_to_the_form(client):
    response = client.get(RECEIVED_URL)
    assert response.status_code == 302
    assert response["Location"] == FORM_URL


def test_a_spanish_request_is_confirmed_in_spanish_and_remembers_the_language(client, medical_center):
    response = client.post("/es" + FORM_URL, form_data(medical_center))
    assert response.status_code == 303
    assert response["Location"] == "/es" + RECEIVED_URL
    assert AppointmentRequest.objects.get().language == "es"
    assert '<html lang="es">' in client.get("/es" + RECEIVED_URL).content.decode()


def test_the_posted_form_and_the_confirmation_are_never_cached(client, medical_center):
    invalid = submit(client, medical_center, first_name="")
    assert "no-store" in invalid["Cache-Control"]
    valid = submit(client, medical_center)
    assert "no-store" in valid["Cache-Control"]
    assert "no-store" in client.get(RECEIVED_URL)["Cache-Control"]


def test_the_form_works_with_csrf_checks_as_a_browser_meets_them(csrf_client, medical_center):
    html = csrf_client.get(FORM_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert html.count('name="csrfmiddlewaretoken"') == 1
    data = {**form_data(medical_center), "csrfmiddlewaretoken": token}
    assert csrf_client.post(FORM_URL, data).status_code == 303
    assert AppointmentRequest.objects.count() == 1


# --- Errors ----------------------------------------------------------------------------------


def test_errors_keep_what_the_patient_typed_and_are_summarised_at_the_top(client, dean_martin):
    response = submit(client, dean_martin, first_name="", preferred_time="morning", email="not-an-email")
    html = response.content.decode()
    assert response.status_code == 200
    assert AppointmentRequest.objects.count() == 0
    assert 'value="Quintanilla"' in html
    assert 'value="not-an-email"' in html
    assert 'value="915-555-0123"' in html
    assert PATIENT["message"] in html
    assert checked_value(html, "location") == str(dean_martin.pk)
    assert checked_value(html, "preferred_time") == "morning"
    assert 'name="consent"' in html and re.search(r'name="consent"[^>]*checked', html)

    summary = re.search(r'<div class="alert alert-danger error-summary"([^>]*)>(.*?)</div>', html, re.S)
    assert summary, "the error summary is missing"
    attributes, content = summary.groups()
    assert 'role="alert"' in attributes and 'tabindex="-1"' in attributes and "autofocus" in attributes
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', content)
    assert [anchor for anchor, _text in links] == ["id_first_name", "id_email", "id_preferred_time_0"]
    assert "Please enter your first name." in links[0][1]
    assert html.startswith("<!doctype html>") and "<title>Error: Request an appointment" in html


def test_a_field_with_an_error_is_marked_invalid_and_described_by_its_message(client, medical_center):
    html = submit(client, medical_center, first_name="").content.decode()
    assert re.search(r'name="first_name"[^>]*aria-invalid="true"[^>]*aria-describedby="id_first_name_error"', html)
    assert 'id="id_first_name_error"' in html


def test_a_number_that_is_not_a_phone_number_is_shown_again_as_typed(client, medical_center):
    html = submit(client, medical_center, phone="915-55").content.decode()
    assert 'value="915-55"' in html


# --- Spam ------------------------------------------------------------------------------------


def test_a_bot_filling_the_honeypot_sees_the_confirmation_but_nothing_is_stored_or_sent(client, medical_center):
    response = submit(client, medical_center, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == RECEIVED_URL
    confirmation = client.get(RECEIVED_URL)
    assert confirmation.status_code == 200
    assert re.search(r'class="reference">[A-Z0-9]{4}-[A-Z0-9]{4}<', confirmation.content.decode())
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []


def test_the_sixth_request_in_an_hour_gets_429_and_stores_nothing(client, medical_center):
    for attempt in range(5):
        assert submit(client, medical_center).status_code == 303, attempt
    response = submit(client, medical_center)
    assert response.status_code == 429
    assert AppointmentRequest.objects.count() == 5
    html = response.content.decode()
    assert "915-260-4598" in html and "915-260-4633" in html
    assert "no-store" in response["Cache-Control"]


def test_the_limit_is_per_client_address(client, medical_center):
    for _attempt in range(5):
        submit(client, medical_center)
    neighbour = Client(REMOTE_ADDR="203.0.113.9")
    assert neighbour.post(FORM_URL, form_data(medical_center)).status_code == 303


def test_the_limit_follows_the_setting(client, medical_center, settings):
    settings.APPOINTMENT_RATE_LIMIT = "2/h"
    assert submit(client, medical_center).status_code == 303
    assert submit(client, medical_center).status_code == 303
    assert submit(client, medical_center).status_code == 429


def test_the_limit_resets_after_an_hour(client, medical_center, clinic_clock):
    for _attempt in range(5):
        submit(client, medical_center)
    assert submit(client, medical_center).status_code == 429
    clinic_clock.shift(3601)
    assert submit(client, medical_center).status_code == 303


def test_correcting_mistakes_does_not_count_towards_the_limit(client, medical_center):
    for _attempt in range(10):
        assert submit(client, medical_center, first_name="").status_code == 200
    assert submit(client, medical_center).status_code == 303


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(medical_center, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        patient = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert patient.post(FORM_URL, form_data(medical_center)).status_code == 303, attempt
    other_patient = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_patient.post(FORM_URL, form_data(medical_center)).status_code == 303
    same_patient = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert same_patient.post(FORM_URL, form_data(medical_center)).status_code == 429


# --- The database goes away ------------------------------------------------------------------


def test_a_database_failure_while_saving_gives_the_503_page_and_stores_nothing(client, medical_center):
    def refuse_inserts(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "appointments_appointmentrequest" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    client.raise_request_exception = False
    with connection.execute_wrapper(refuse_inserts):
        response = submit(client, medical_center)
    assert response.status_code == 503
    html = response.content.decode()
    assert "915-260-4598" in html and "Traceback" not in html
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []
    assert client.get(RECEIVED_URL).status_code == 302
