"""E-mail through a real SMTP server (aiosmtpd) listening on this machine."""

import logging

import pytest
from django.core.management import CommandError, call_command

from appointments.models import AppointmentRequest
from tests.smtp import message_text, start_smtp_server

from .conftest import PATIENT, PHONE_FORMS, form_data

pytestmark = pytest.mark.django_db

FORM_URL = "/appointments/request/"
STAFF = "frontdesk@clinic.test"
PATIENT_DETAILS = [PATIENT["first_name"], PATIENT["last_name"], PATIENT["message"], "Restless legs", *PHONE_FORMS]


def submit(client, office, django_capture_on_commit_callbacks, path=FORM_URL, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, form_data(office, **overrides))
    assert response.status_code == 303
    return AppointmentRequest.objects.latest("created_at")


def test_staff_are_told_of_a_new_request_without_any_patient_details(
    client, dean_martin, smtp_server, django_capture_on_commit_callbacks
):
    stored = submit(client, dean_martin, django_capture_on_commit_callbacks)
    [staff_message] = smtp_server.to(STAFF)
    text = message_text(staff_message)
    assert staff_message["subject"] == f"New appointment request {stored.display_reference} at Dean Martin"
    assert f"http://testserver/admin/appointments/appointmentrequest/{stored.pk}/change/" in text
    for detail in [*PATIENT_DETAILS, PATIENT["email"]]:
        assert detail not in text, detail
    stored.refresh_from_db()
    assert stored.staff_notified_at is not None


def test_the_patient_receipt_holds_the_reference_and_office_only(
    client, dean_martin, smtp_server, django_capture_on_commit_callbacks
):
    stored = submit(client, dean_martin, django_capture_on_commit_callbacks)
    [receipt] = smtp_server.to(PATIENT["email"])
    text = message_text(receipt)
    assert stored.display_reference in text
    assert "Dean Martin" in text
    assert "915-260-4633" in text
    for detail in PATIENT_DETAILS:
        assert detail not in text, detail
    stored.refresh_from_db()
    assert stored.receipt_sent_at is not None


def test_no_receipt_without_an_email_address(client, medical_center, smtp_server, django_capture_on_commit_callbacks):
    submit(client, medical_center, django_capture_on_commit_callbacks, email="")
    assert [recipients for recipients, _message in smtp_server.messages] == [[STAFF]]


def test_with_the_mail_server_down_the_request_is_kept_and_sent_once_it_is_back(
    client, medical_center, smtp_port, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING, logger="appointments"):
        stored = submit(client, medical_center, django_capture_on_commit_callbacks)
    # The patient got the confirmation and the request is safe.
    assert client.get("/appointments/request/received/").status_code == 200
    stored.refresh_from_db()
    assert stored.staff_notified_at is None and stored.receipt_sent_at is None
    # The failure is logged by reference, with nothing about the patient.
    assert [record.notification for record in caplog.records] == ["staff", "receipt"]
    logged = caplog.text + " ".join(str(vars(record)) for record in caplog.records)
    assert stored.reference in logged
    for detail in [*PATIENT_DETAILS, PATIENT["email"]]:
        assert detail not in logged, detail

    with pytest.raises(CommandError):
        call_command("send_pending_notifications")

    controller, inbox = start_smtp_server(smtp_port)
    try:
        call_command("send_pending_notifications")
        assert len(inbox.to(STAFF)) == 1
        assert len(inbox.to(PATIENT["email"])) == 1
        stored.refresh_from_db()
        assert stored.staff_notified_at is not None and stored.receipt_sent_at is not None
        # Nothing is sent twice.
        call_command("send_pending_notifications")
        assert len(inbox.messages) == 2
    finally:
        controller.stop()


def test_a_spanish_request_gets_its_receipt_rendered_in_spanish(
    client, medical_center, smtp_server, django_capture_on_commit_callbacks
):
    stored = submit(client, medical_center, django_capture_on_commit_callbacks, path="/es" + FORM_URL)
    assert stored.language == "es"
    [receipt] = smtp_server.to(PATIENT["email"])
    [staff_message] = smtp_server.to(STAFF)
    assert staff_message["subject"].startswith("New appointment request")
    text = message_text(receipt)
    assert stored.display_reference in text
    assert "Thank you: we received your appointment request." not in text
    assert "Our front desk will call you back" not in text
