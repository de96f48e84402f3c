import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import run_worker  # noqa: F401 (the area's tests import it from here)
from tests.factories import PATIENT, THURSDAY, form_data, make_request  # noqa: F401 (the area's tests import them from here)

CLINIC_ZONE = timezone.get_default_timezone()  # settings.TIME_ZONE
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


# --- The task queue -----------------------------------------------------------------------


def queued_tasks(status="READY"):
    """(kind, run_after) of each e-mail task in the queue with this status."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = DBTaskResult.objects.filter(status=status).order_by("enqueued_at")
    return [(row.args_kwargs["args"][1], None if row.run_after == get_date_max() else row.run_after) for row in rows]


def visit_on(day, hour, office, minute=0):
    from appointments.models import Visit

    return Visit.at_clinic_time(day, datetime.time(hour, minute), office)


# The Monday after the tests' Tuesday: waitlisted patients' visits, later than any freed time.
NEXT_MONDAY = datetime.date(2026, 12, 7)


def waitlisted(office, number, day=NEXT_MONDAY, **fields):
    """A patient on the waitlist (e-mail, this office, any time), their visit booked on `day` at
    9:<number> so each is distinct and the order of their bookings is the order of `number`."""
    from appointments.workflow import move_to

    fields = {
        "email": f"patient{number}@example.com",
        "callback_language": "en",
        "earlier_time": "this_office",
        "first_name": f"Pat{number}",
        "preferred_time": "any",
        **fields,
    }
    request = make_request(office, status="contacted", **fields)
    move_to(request, "scheduled", by=None, visit=visit_on(day, 9, office, minute=number))
    return request
