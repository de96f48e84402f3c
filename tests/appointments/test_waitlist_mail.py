"""The visit's confirmation (and its update) tells a waitlisted patient they are on the waitlist
and how to leave it, in their language, and nothing they wrote."""

import datetime

import pytest

from appointments.workflow import move_to
from tests.smtp import message_text

from .conftest import PATIENT, THURSDAY, make_request, visit_on
from .test_visit_mail import assert_private, flush

pytestmark = pytest.mark.django_db

WAITLIST_LINE = {
    "en": "You are on the waitlist: we will e-mail you if an earlier time opens. To leave it, use the link below.",
    "es": "Está en la lista de espera: le enviaremos un correo electrónico si se libera una hora más temprano. "
    "Para salir de ella, use el enlace de abajo.",
}


def schedule(office, language="en", earlier_time="this_office"):
    request = make_request(
        office,
        status="contacted",
        callback_language=language,
        earlier_time=earlier_time,
        staff_notes="Only staff may read this note",
    )
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, office))
    return request


def one_line(text):
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_confirmation_says_the_patient_is_on_the_waitlist(
    medical_center, smtp_server, django_capture_on_commit_callbacks, language
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("r", schedule(medical_center, language)))
    [confirmation] = smtp_server.to(PATIENT["email"])
    text = message_text(confirmation)
    assert WAITLIST_LINE[language] in one_line(text)
    # The line comes before the link it speaks of.
    assert text.index(WAITLIST_LINE[language].split(":")[0]) < text.index("http://testserver/")
    assert_private(confirmation, holder["r"])


def test_the_update_says_so_too_and_the_cancellation_does_not(
    medical_center, smtp_server, django_capture_on_commit_callbacks
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("r", schedule(medical_center)))
    request = holder["r"]
    friday = visit_on(datetime.date(2026, 12, 4), 10, medical_center)
    flush(django_capture_on_commit_callbacks, lambda: move_to(request, "scheduled", by=None, visit=friday))
    flush(django_capture_on_commit_callbacks, lambda: move_to(request, "cancelled", by=None))
    confirmation, update, cancellation = smtp_server.to(PATIENT["email"])
    assert WAITLIST_LINE["en"] in one_line(message_text(update))
    assert "waitlist" not in message_text(cancellation)


def test_a_patient_not_on_the_waitlist_is_not_told_about_it(
    medical_center, smtp_server, django_capture_on_commit_callbacks
):
    flush(django_capture_on_commit_callbacks, lambda: schedule(medical_center, earlier_time=""))
    [confirmation] = smtp_server.to(PATIENT["email"])
    assert "waitlist" not in message_text(confirmation)


def test_a_patient_who_left_the_waitlist_is_not_told_in_the_next_update(
    medical_center, smtp_server, django_capture_on_commit_callbacks
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("r", schedule(medical_center)))
    request = holder["r"]
    request.earlier_time = ""  # what the visit page's "Leave the waitlist" button stores
    request.save()
    friday = visit_on(datetime.date(2026, 12, 4), 10, medical_center)
    flush(django_capture_on_commit_callbacks, lambda: move_to(request, "scheduled", by=None, visit=friday))
    _confirmation, update = smtp_server.to(PATIENT["email"])
    assert "waitlist" not in message_text(update)
