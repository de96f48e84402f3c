"""E-mail through a real SMTP server (aiosmtpd) listening on this machine."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import AppointmentRequest
from tests.conftest import run_worker, staff_login
from tests.factories import StaffFactory
from tests.smtp import message_text, start_smtp_server

from .conftest import PATIENT, PHONE_FORMS, form_data, queued_tasks

pytestmark = pytest.mark.django_db

FORM_URL = "/appointments/request/"
STAFF = "frontdesk@clinic.test"
PATIENT_DETAILS = [PATIENT["first_name"], PATIENT["last_name"], PATIENT["message"], "Restless legs", *PHONE_FORMS]


def submit(client, office, django_capture_on_commit_callbacks, path=FORM_URL, **overrides):
    """A patient's submission, then the worker's run of what it queued."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, form_data(office, **overrides))
    assert response.status_code == 303
    run_worker()
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


def test_with_the_mail_server_down_the_worker_retries_later_and_sends_once_it_is_back(
    client, medical_center, smtp_port, django_capture_on_commit_callbacks, caplog, clinic_clock, settings
):
    settings.APPOINTMENT_MAIL_RETRY_DELAYS = [60, 600]
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
    # Both are queued again, a minute on.
    retry_at = timezone.now() + datetime.timedelta(seconds=60)
    assert queued_tasks() == [("staff", retry_at), ("receipt", retry_at)]

    controller, inbox = start_smtp_server(smtp_port)
    try:
        run_worker()  # not due yet
        assert inbox.messages == []
        clinic_clock.shift(61)
        run_worker()
        assert len(inbox.to(STAFF)) == 1
        assert len(inbox.to(PATIENT["email"])) == 1
        stored.refresh_from_db()
        assert stored.staff_notified_at is not None and stored.receipt_sent_at is not None
        assert stored.unsent_email == ""
        # Nothing is sent twice.
        call_command("send_pending_notifications")
        run_worker()
        assert len(inbox.messages) == 2
    finally:
        controller.stop()


def test_a_receipt_still_failing_after_every_retry_shows_as_not_sent(
    client, medical_center, smtp_port, django_capture_on_commit_callbacks, clinic_clock, settings
):
    settings.APPOINTMENT_MAIL_RETRY_DELAYS = [60]
    settings.APPOINTMENT_STAFF_EMAILS = []
    stored = submit(client, medical_center, django_capture_on_commit_callbacks)
    clinic_clock.shift(61)
    run_worker()
    stored.refresh_from_db()
    assert stored.unsent_email == "receipt"
    assert queued_tasks() == []
    staff_login(client, StaffFactory(username="desk", groups=["Front desk"]))
    queue = client.get("/admin/appointments/appointmentrequest/?attention=unsent").content.decode()
    assert "Receipt not sent" in queue
    assert stored.display_reference in queue


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


class Blackhole:
    """A mail server that accepts connections and never says a word."""

    def __init__(self, port):
        import socket
        import threading

        self.connections = []
        self.listener = socket.create_server(("127.0.0.1", port))
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        try:
            while True:
                connection, _address = self.listener.accept()
                self.connections.append(connection)
        except OSError:  # closed by stop()
            return

    def stop(self):
        import socket

        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        for connection in self.connections:
            connection.close()
        self.thread.join(timeout=5)


def test_a_silent_mail_server_never_holds_up_the_patient_and_the_worker_sends_later(
    client, medical_center, smtp_port, django_capture_on_commit_callbacks, clinic_clock, settings
):
    settings.EMAIL_TIMEOUT = 1
    settings.APPOINTMENT_MAIL_RETRY_DELAYS = [60]
    blackhole = Blackhole(smtp_port)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORM_URL, form_data(medical_center))
        # The redirect came back without the request ever opening a connection to the server.
        assert response.status_code == 303
        assert blackhole.connections == []
        stored = AppointmentRequest.objects.get()
        assert queued_tasks() == [("staff", None), ("receipt", None)]
        run_worker()  # both time out at the silent server, and are queued again
        assert len(blackhole.connections) == 2
        assert [kind for kind, _when in queued_tasks()] == ["staff", "receipt"]
    finally:
        blackhole.stop()
    controller, inbox = start_smtp_server(smtp_port)
    try:
        clinic_clock.shift(61)
        run_worker()
        assert len(inbox.to(STAFF)) == len(inbox.to(PATIENT["email"])) == 1
        stored.refresh_from_db()
        assert stored.staff_notified_at and stored.receipt_sent_at
    finally:
        controller.stop()
