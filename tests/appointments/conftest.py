import datetime

import pytest
import time_machine
from django.utils import timezone

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
