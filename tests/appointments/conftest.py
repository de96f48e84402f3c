import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from appointments.models import AppointmentRequest
from tests.factories import PATIENT, THURSDAY, form_data  # noqa: F401 (the area's tests import them from here)

CLINIC_ZONE = ZoneInfo("America/Denver")
# Tuesday morning in El Paso: every test starts here unless it travels elsewhere.
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=CLINIC_ZONE)
TODAY = NOW.date()
WEDNESDAY = datetime.date(2026, 12, 2)
SATURDAY = datetime.date(2026, 12, 5)
SUNDAY = datetime.date(2026, 12, 6)

PHONE_FORMS = ["915-555-0123", "(915) 555-0123", "9155550123", "+19155550123"]


@pytest.fixture(autouse=True)
def clinic_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


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
