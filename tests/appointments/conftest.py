import datetime
import email
from email import policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone

from appointments.models import AppointmentRequest
from locations.models import Location
from tests.conftest import run_worker  # noqa: F401 - the appointment tests' worker

CLINIC_ZONE = ZoneInfo("America/Denver")
# Tuesday morning in El Paso: every test starts here unless it travels elsewhere.
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=CLINIC_ZONE)
TODAY = NOW.date()
WEDNESDAY = datetime.date(2026, 12, 2)
THURSDAY = datetime.date(2026, 12, 3)
SATURDAY = datetime.date(2026, 12, 5)
SUNDAY = datetime.date(2026, 12, 6)

# Distinctive, so a test can be sure none of it leaks into an e-mail, a log line or a URL.
PATIENT = {
    "first_name": "Zuleima",
    "last_name": "Quintanilla",
    "phone": "915-555-0123",
    "email": "zuleima.q@example.com",
    "message": "Calves ache every night since October",
}
PHONE_FORMS = ["915-555-0123", "(915) 555-0123", "9155550123", "+19155550123"]


@pytest.fixture(autouse=True)
def clinic_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def medical_center(db):
    return Location.objects.get(slug="medical-center-drive")


@pytest.fixture
def dean_martin(db):
    return Location.objects.get(slug="dean-martin")


def form_data(office, /, **overrides):
    """A complete, valid request as the browser posts it; None drops a field."""
    data = {
        "first_name": PATIENT["first_name"],
        "last_name": PATIENT["last_name"],
        "phone": PATIENT["phone"],
        "email": PATIENT["email"],
        "location": str(office.pk),
        "preferred_date": THURSDAY.isoformat(),
        "preferred_time": "afternoon",
        "patient_kind": "new",
        "reason": "restless_legs",
        "message": PATIENT["message"],
        "contact_method": "phone",
        "callback_language": "es",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def make_request(location, received=None, **fields):
    """A stored request, as if received at `received` (clinic time)."""
    values = {
        "first_name": PATIENT["first_name"],
        "last_name": PATIENT["last_name"],
        "phone": "+19155550123",
        "email": PATIENT["email"],
        "location": location,
        "preferred_date": THURSDAY,
        "preferred_time": "afternoon",
        "patient_kind": "new",
        "reason": "restless_legs",
        "message": PATIENT["message"],
        "contact_method": "phone",
        "callback_language": "es",
        "language": "en",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    if received is None:
        return AppointmentRequest.objects.create(**values)
    with time_machine.travel(received, tick=False):
        return AppointmentRequest.objects.create(**values)


def staff_user(username, group_name):
    user = User.objects.create_user(username, password="unused-in-tests-0", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def front_desk_client(client, db):
    client.force_login(staff_user("frontdesk", "Front desk"))
    return client


@pytest.fixture
def editor_client(client, db):
    client.force_login(staff_user("editor", "Editors"))
    return client


# --- A real SMTP server on this machine ------------------------------------------------


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for recipients, message in self.messages if address in recipients]


def message_text(message):
    """Subject and decoded body, as the reader sees them."""
    return f"{message['subject']}\n{message.get_body(('plain',)).get_content()}"


def start_smtp_server(port):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp_server(smtp_port):
    controller, inbox = start_smtp_server(smtp_port)
    yield inbox
    controller.stop()


# --- The task queue -----------------------------------------------------------------------


def queued_tasks(status="READY"):
    """(kind, run_after) of each e-mail task in the queue with this status."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = DBTaskResult.objects.filter(status=status).order_by("enqueued_at")
    return [(row.args_kwargs["args"][1], None if row.run_after == get_date_max() else row.run_after) for row in rows]


def visit_on(day, hour, office, minute=0):
    from appointments.models import Visit

    return Visit.at_clinic_time(day, datetime.time(hour, minute), office)
