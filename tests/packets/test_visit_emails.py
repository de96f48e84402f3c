"""The packet's paragraph in the visit's e-mails (packets/visit_emails.py): the confirmation and
the reminder carry a working link to it in the patient's language; once the packet is sent, the
reminder thanks the patient instead; the cancellation says nothing of it."""

import datetime
import re

import pytest
from django.core import mail

from appointments.workflow import move_to
from packets.models import Packet
from tests.conftest import run_worker

from . import test_pages_fixtures as shared
from .test_pages_fixtures import VISIT_AT, fill_packet, step_path

clinic_clock = shared.clinic_clock

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/(?:es/)?appointments/prepare/[A-Za-z0-9_-]{43}/)")
# Wednesday 10:00, the reminder's moment one business day before Thursday's visit.
REMINDER_DUE = datetime.datetime(2026, 12, 2, 10, 1, tzinfo=VISIT_AT.tzinfo)


def book(office, django_capture_on_commit_callbacks, callback_language="en"):
    from appointments.models import Visit
    from tests.factories import make_request

    request = make_request(office, status="contacted", callback_language=callback_language)
    with django_capture_on_commit_callbacks(execute=True):
        move_to(request, "scheduled", by=None, visit=Visit(VISIT_AT, office))
    run_worker()
    return request


def patient_mail(request):
    return [message for message in mail.outbox if message.to == [request.email]]


def test_the_confirmation_links_to_the_packet_and_the_link_opens_it(
    client, medical_center, django_capture_on_commit_callbacks
):
    request = book(medical_center, django_capture_on_commit_callbacks)
    (confirmation,) = patient_mail(request)
    assert "fill in your forms before the visit" in confirmation.body
    (path,) = LINK.findall(confirmation.body)
    assert client.get(path)["Location"] == step_path(path, 1)


def test_the_spanish_confirmation_links_to_the_spanish_packet(
    client, medical_center, django_capture_on_commit_callbacks
):
    request = book(medical_center, django_capture_on_commit_callbacks, callback_language="es")
    (confirmation,) = patient_mail(request)
    assert "llene sus formularios antes de la consulta" in confirmation.body
    (path,) = LINK.findall(confirmation.body)
    assert path.startswith("/es/")
    assert "Paso 1 de 5" in client.get(step_path(path, 1)).content.decode()


def test_the_reminder_asks_to_finish_the_packet(medical_center, django_capture_on_commit_callbacks, clinic_clock):
    request = book(medical_center, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    clinic_clock.move_to(REMINDER_DUE)
    run_worker()
    (reminder,) = patient_mail(request)
    assert "Please finish your forms before the visit" in reminder.body
    assert len(LINK.findall(reminder.body)) == 1


def test_once_sent_the_reminder_thanks_and_carries_no_link(
    client, medical_center, django_capture_on_commit_callbacks, clinic_clock
):
    request = book(medical_center, django_capture_on_commit_callbacks)
    (path,) = LINK.findall(patient_mail(request)[0].body)
    fill_packet(client, path)
    client.post(step_path(path, 5), {"move": "send"})
    assert Packet.objects.get().status == "complete"
    mail.outbox.clear()
    clinic_clock.move_to(REMINDER_DUE)
    run_worker()
    (reminder,) = patient_mail(request)
    assert "Thank you: your forms for this visit have arrived." in reminder.body
    assert not LINK.findall(reminder.body)
    assert "Ocotillo" not in reminder.body


def test_the_cancellation_says_nothing_of_the_packet(medical_center, django_capture_on_commit_callbacks):
    request = book(medical_center, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move_to(request, "cancelled", by=None)
    run_worker()
    (cancellation,) = patient_mail(request)
    assert "forms" not in cancellation.body and not LINK.findall(cancellation.body)
