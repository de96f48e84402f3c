"""Hostile text in every field a patient types comes back as text, never as markup, code or a
spreadsheet formula: on the form shown again, the confirmation, the admin list and change
pages, the CSV export and the e-mails.
"""

import csv
import io

import pytest
from django.conf import settings
from django.core import mail
from django.utils.html import escape

from appointments.models import AppointmentRequest
from tests.conftest import run_worker

from .conftest import FORM_URL, RECEIVED_URL

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/appointments/appointmentrequest/"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg/onload=alert(document.cookie)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">call me</a>',
    "</textarea><script>alert(1)</script>",
    "<iframe src=//evil.example></iframe>",
    "{{ 7*7 }}",
    "{% debug %}",
    "{{ request.session.items }}",
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(A1)",
]
# Quoted local parts make these valid addresses (RFC 5321), so they reach every page.
EMAIL_PAYLOADS = ['"<script>alert(1)</script>"@example.org', '"<svg/onload=alert(1)>"@example.org']
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def hostile_submission(submission, payload, email=""):
    return {**submission, "first_name": payload, "last_name": payload, "message": payload, "email": email}


def assert_shown_as_text(body, payload):
    """The payload is in the page only in its escaped form, and nothing turned it into a link."""
    if escape(payload) != payload:
        assert payload not in body
    assert 'href="javascript:' not in body
    for tag in ("<script>alert", "<svg onload", "<svg/onload", "<img src=x", "<iframe src=//evil"):
        assert tag not in body


@pytest.fixture
def store_hostile_request(client, settings, submission, django_capture_on_commit_callbacks):
    """Submit `payload` in every text field through the form, mails included."""
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"

    def store(payload, email=""):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORM_URL, hostile_submission(submission, payload, email))
        assert response.status_code == 303, response.content.decode()[:2000]
        run_worker()
        return AppointmentRequest.objects.get()

    return store


@pytest.mark.parametrize("payload", PAYLOADS + EMAIL_PAYLOADS)
def test_form_shown_again_with_an_error_keeps_hostile_text_escaped(client, submission, payload):
    email = payload if payload in EMAIL_PAYLOADS else ""
    data = hostile_submission(submission, payload, email)
    del data["consent"]
    response = client.post(FORM_URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(payload) in body, "what the patient typed must be kept"
    assert_shown_as_text(body, payload)
    assert AppointmentRequest.objects.count() == 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_stored_as_typed(store_hostile_request, payload):
    stored = store_hostile_request(payload)
    assert (stored.first_name, stored.last_name, stored.message) == (payload, payload, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_confirmation_page_shows_no_hostile_text(client, store_hostile_request, payload):
    store_hostile_request(payload)
    body = client.get(RECEIVED_URL).content.decode()
    assert "We received your request" in body
    assert_shown_as_text(body, payload)
    if len(payload) > 4:
        assert escape(payload) not in body, "the confirmation shows no patient text at all"


@pytest.mark.parametrize("payload", PAYLOADS + EMAIL_PAYLOADS)
def test_admin_change_list_and_change_page_escape_hostile_text(admin_client, store_hostile_request, payload):
    email = payload if payload in EMAIL_PAYLOADS else ""
    stored = store_hostile_request("Maria" if email else payload, email=email)
    listing = admin_client.get(ADMIN_LIST).content.decode()
    change = admin_client.get(f"{ADMIN_LIST}{stored.pk}/change/")
    assert change.status_code == 200
    change = change.content.decode()
    if not email:
        assert escape(f"{payload} {payload}") in listing
    for body in (listing, change):
        assert_shown_as_text(body, payload)
    assert escape(payload) in change
    # Template syntax in data is never evaluated: it comes back literally.
    if payload.startswith("{"):
        assert payload in change


def export_csv(admin_client, pks):
    response = admin_client.post(
        ADMIN_LIST, {"action": "export_csv", "_selected_action": [str(pk) for pk in pks], "index": "0"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_export_neutralises_formulas(admin_client, store_hostile_request, payload):
    stored = store_hostile_request(payload)
    header, *rows = export_csv(admin_client, [stored.pk])
    assert len(rows) == 1
    cells = dict(zip(header, rows[0], strict=True))
    for cell in rows[0]:
        assert not cell.startswith(FORMULA_TRIGGERS), cell
    expected = "'" + payload if payload.startswith(FORMULA_TRIGGERS) else payload
    assert cells["First name"] == cells["Last name"] == cells["Message"] == expected


def test_csv_export_neutralises_a_formula_in_the_staff_notes_too(admin_client, store_hostile_request):
    stored = store_hostile_request("Maria")
    AppointmentRequest.objects.filter(pk=stored.pk).update(staff_notes="=cmd|' /C calc'!A0")
    header, row = export_csv(admin_client, [stored.pk])
    assert dict(zip(header, row, strict=True))["Staff notes"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("payload", PAYLOADS + EMAIL_PAYLOADS)
def test_emails_carry_no_hostile_text(store_hostile_request, payload):
    email = payload if payload in EMAIL_PAYLOADS else "maria@example.org"
    stored = store_hostile_request("Maria" if payload in EMAIL_PAYLOADS else payload, email=email)
    staff = [message for message in mail.outbox if message.to == settings.APPOINTMENT_STAFF_EMAILS]
    receipts = [message for message in mail.outbox if message.to == [email]]
    assert len(staff) == 1 and len(receipts) == 1
    for message in mail.outbox:
        texts = [message.subject, message.body] + [content for content, _type in getattr(message, "alternatives", [])]
        for text in texts:
            assert payload not in text
            assert escape(payload) not in text
            assert stored.display_reference in message.subject + message.body
    # The staff heads-up holds nothing the patient typed, not even harmless words.
    staff_text = staff[0].subject + staff[0].body
    for value in (stored.first_name, stored.last_name, stored.email, stored.phone_display, str(stored.phone)):
        assert value not in staff_text
