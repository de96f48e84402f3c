"""The visit in writing: confirmation, update, cancellation and reminder, sent by the worker
through a real SMTP server (aiosmtpd), each with a calendar file parsed back with icalendar."""

import datetime
import functools

import icalendar
import pytest
from django.utils import timezone

from appointments.models import AppointmentRequest, Email
from appointments.workflow import move_to
from tests.smtp import message_text

from .conftest import (
    CLINIC_ZONE,
    PATIENT,
    PHONE_FORMS,
    THURSDAY,
    make_request,
    queued_tasks,
    run_worker,
    visit_on,
)

pytestmark = pytest.mark.django_db

# Everything the patient wrote or chose about themselves, in both languages: none of it may be
# in an e-mail or a calendar file.
FREE_TEXT = [
    PATIENT["first_name"],
    PATIENT["last_name"],
    PATIENT["message"],
    "Restless legs",
    "Piernas inquietas",
    "restless_legs",
    "Only staff may read this note",
    *PHONE_FORMS,
]
MONDAY_AFTER_DST = datetime.date(2027, 3, 15)  # Denver moved to MDT (UTC-6) on Sunday, March 14, 2027


def scheduled(office, callback_language="en", **fields):
    request = make_request(
        office, status="contacted", callback_language=callback_language, staff_notes="Only staff may read this note"
    )
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, office), **fields)
    return request


def flush(django_capture_on_commit_callbacks, change):
    """A change as the admin makes it: committed, then the worker runs what it queued."""
    with django_capture_on_commit_callbacks(execute=True):
        change()
    run_worker()


def calendar_of(message):
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert part.get_filename() == "appointment.ics"
    cal = icalendar.Calendar.from_ical(part.get_content())
    assert part.get_param("method") == str(cal["METHOD"])
    return cal


def event_of(cal):
    [event] = cal.walk("VEVENT")
    return event


def assert_private(message, appointment_request):
    """Nothing the patient wrote, in the text, the subject or the calendar file."""
    text = message.as_string() + message_text(message)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            text += part.get_content()
    for detail in FREE_TEXT:
        assert detail not in text, detail
    assert appointment_request.get_reason_display() not in text


def test_confirmation_update_and_cancellation_keep_one_event_in_the_patients_calendar(
    medical_center, dean_martin, smtp_server, django_capture_on_commit_callbacks
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("request", scheduled(medical_center)))
    request = holder["request"]
    [confirmation] = smtp_server.to(PATIENT["email"])
    assert confirmation["subject"] == "Appointment confirmed: Desert West Vein & Surgery Center"
    text = message_text(confirmation)
    for expected in ["Thursday, December 3, 2026", "10:00 AM", "1600 Medical Center Drive", "915-260-4598"]:
        assert expected in text
    assert "https://www.google.com/maps/search/?api=1&query=" in text
    assert "http://testserver/appointments/visit/" in text
    cal = calendar_of(confirmation)
    assert cal["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Denver"]
    first = event_of(cal)
    assert first["SEQUENCE"] == 0
    assert first.decoded("DTSTART") == datetime.datetime(2026, 12, 3, 10, tzinfo=CLINIC_ZONE)
    assert first["DTSTART"].params["TZID"] == "America/Denver"
    assert "Medical Center Drive" in first["LOCATION"]

    # Moved across the change to daylight saving time, to the other office.
    new_visit = visit_on(MONDAY_AFTER_DST, 9, dean_martin, minute=30)
    flush(django_capture_on_commit_callbacks, lambda: move_to(request, "scheduled", by=None, visit=new_visit))
    update = smtp_server.to(PATIENT["email"])[-1]
    assert update["subject"] == "Appointment changed: Desert West Vein & Surgery Center"
    assert "Monday, March 15, 2027" in message_text(update)
    moved = event_of(calendar_of(update))
    assert (moved["UID"], moved["SEQUENCE"]) == (first["UID"], 1)
    start = moved.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset()) == (9, 30, datetime.timedelta(hours=-6))
    assert moved["DTSTART"].params["TZID"] == "America/Denver"
    assert "Dean Martin" in moved["LOCATION"]

    flush(django_capture_on_commit_callbacks, lambda: move_to(request, "cancelled", by=None))
    cancellation = smtp_server.to(PATIENT["email"])[-1]
    assert cancellation["subject"] == "Appointment cancelled: Desert West Vein & Surgery Center"
    cal = calendar_of(cancellation)
    assert cal["METHOD"] == "CANCEL"
    gone = event_of(cal)
    assert (gone["UID"], gone["SEQUENCE"], gone["STATUS"]) == (first["UID"], 2, "CANCELLED")
    assert "/appointments/visit/" not in message_text(cancellation)

    request.refresh_from_db()
    for message in smtp_server.to(PATIENT["email"]):
        assert_private(message, request)
    assert len(smtp_server.to(PATIENT["email"])) == 3


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_calendar_file_names_the_organizer_by_address_and_the_patient_as_attendee(
    medical_center, settings, cancelled
):
    from appointments.ics import invitation
    from core.models import Clinic

    settings.DEFAULT_FROM_EMAIL = "Desert West Vein <no-reply@clinic.example>"  # as deploy/env.example sets it
    request = scheduled(medical_center)
    event = event_of(icalendar.Calendar.from_ical(invitation(request, Clinic.load(), cancelled=cancelled)))
    assert str(event["ORGANIZER"]) == "mailto:no-reply@clinic.example"
    assert event["ORGANIZER"].params["CN"] == "Desert West Vein & Surgery Center"
    assert str(event["ATTENDEE"]) == f"mailto:{PATIENT['email']}"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"


@pytest.mark.parametrize(
    ("moves", "cancelled"),
    [
        ([("closed", "declined")], True),
        ([("closed", "unreachable")], True),
        ([("cancelled", "")], True),
        ([("closed", "booked")], False),
        # The patient asked for another time (the event stays until rebooked), then nobody answered.
        ([("another_time", ""), ("closed", "unreachable")], True),
    ],
)
def test_every_move_that_ends_a_booked_visit_cancels_it_in_the_patients_calendar(
    medical_center, smtp_server, django_capture_on_commit_callbacks, moves, cancelled
):
    from appointments.models import PatientChoice

    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("request", scheduled(medical_center)))
    request = holder["request"]
    [confirmation] = smtp_server.to(PATIENT["email"])
    for status, reason in moves:
        if status == "another_time":
            kwargs = {"status": "contacted", "patient_choice": PatientChoice.ANOTHER_TIME}
        else:
            kwargs = {"status": status, "closing_reason": reason}
        flush(django_capture_on_commit_callbacks, functools.partial(move_to, request, by=None, **kwargs))
    sent = smtp_server.to(PATIENT["email"])
    if not cancelled:
        assert sent == [confirmation]
        return
    assert len(sent) == 2
    cal = calendar_of(sent[-1])
    assert cal["METHOD"] == "CANCEL"
    event, booked = event_of(cal), event_of(calendar_of(confirmation))
    assert event["UID"] == booked["UID"]
    assert event["SEQUENCE"] > booked["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"


def test_a_spanish_speaker_gets_the_visit_in_spanish(medical_center, smtp_server, django_capture_on_commit_callbacks):
    flush(django_capture_on_commit_callbacks, lambda: scheduled(medical_center, callback_language="es"))
    [confirmation] = smtp_server.to(PATIENT["email"])
    text = message_text(confirmation)
    assert "jueves" in text and "diciembre" in text
    assert "http://testserver/es/appointments/visit/" in text
    assert "Your appointment is booked" not in text
    assert "Desert West Vein & Surgery Center" in confirmation["subject"]
    assert_private(confirmation, AppointmentRequest.objects.get())


def test_no_visit_mail_without_an_email_address(medical_center, smtp_server, django_capture_on_commit_callbacks):
    request = make_request(medical_center, status="contacted", email="")
    flush(
        django_capture_on_commit_callbacks,
        lambda: move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center)),
    )
    assert smtp_server.messages == []


def test_one_reminder_goes_one_business_day_before_and_never_twice(
    medical_center, smtp_server, django_capture_on_commit_callbacks, clinic_clock
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("request", scheduled(medical_center)))
    remind_at = datetime.datetime(2026, 12, 2, 10, tzinfo=CLINIC_ZONE)
    assert queued_tasks() == [("reminder", remind_at)]
    assert len(smtp_server.messages) == 1  # the confirmation only
    clinic_clock.move_to(remind_at + datetime.timedelta(minutes=1))
    run_worker()
    reminder = smtp_server.to(PATIENT["email"])[-1]
    assert reminder["subject"] == "Appointment reminder: Desert West Vein & Surgery Center"
    assert "/appointments/visit/" in message_text(reminder)
    assert event_of(calendar_of(reminder))["SEQUENCE"] == 0
    assert_private(reminder, holder["request"])
    # A second reminder task for the same visit (two workers, a repeated queueing) sends nothing.
    from appointments.tasks import send_email

    send_email.enqueue(holder["request"].pk, Email.REMINDER, 0)
    run_worker()
    assert len(smtp_server.messages) == 2


def test_no_reminder_for_a_cancelled_or_moved_visit(
    medical_center, smtp_server, django_capture_on_commit_callbacks, clinic_clock
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("request", scheduled(medical_center)))
    flush(django_capture_on_commit_callbacks, lambda: move_to(holder["request"], "cancelled", by=None))
    clinic_clock.move_to(datetime.datetime(2026, 12, 3, 9, tzinfo=CLINIC_ZONE))
    run_worker()
    assert [message["subject"].split(":")[0] for _to, message in smtp_server.messages] == [
        "Appointment confirmed",
        "Appointment cancelled",
    ]


def test_a_reminder_due_after_the_visit_began_is_not_sent(medical_center, smtp_server, clinic_clock):
    request = scheduled(medical_center)  # callbacks never run: nothing queued
    from appointments.tasks import send_email

    send_email.enqueue(request.pk, Email.REMINDER, 0)
    clinic_clock.move_to(datetime.datetime(2026, 12, 3, 10, 5, tzinfo=CLINIC_ZONE))
    run_worker()
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("visit_day", "business_days", "reminder_day"),
    [
        (datetime.date(2026, 12, 7), 1, datetime.date(2026, 12, 4)),  # Monday: the Friday before
        (datetime.date(2026, 12, 8), 2, datetime.date(2026, 12, 4)),  # Tuesday, two days: Friday
        (datetime.date(2026, 12, 3), 2, datetime.date(2026, 12, 1)),
    ],
)
def test_the_reminder_counts_business_days(settings, visit_day, business_days, reminder_day):
    from appointments.tasks import reminder_moment

    settings.APPOINTMENT_REMINDER_BUSINESS_DAYS = business_days
    visit_at = datetime.datetime.combine(visit_day, datetime.time(9), tzinfo=CLINIC_ZONE)
    assert reminder_moment(visit_at) == datetime.datetime.combine(reminder_day, datetime.time(10), tzinfo=CLINIC_ZONE)
    assert timezone.is_aware(reminder_moment(visit_at))
