import datetime
import os
import time

import pytest
import time_machine
from django.utils import timezone

from locations.models import Location


def clinic_time(year, month, day, hour=0, minute=0):
    """A wall-clock moment in El Paso (settings.TIME_ZONE)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def travel_to(moment):
    """Freeze the clock at `moment`.

    Converted to UTC first: given a ZoneInfo-aware moment, time-machine would also switch the
    process's TZ to that zone, hiding exactly the bugs the process_time_zone tests look for.
    """
    return time_machine.travel(moment.astimezone(datetime.UTC), tick=False)


@pytest.fixture(params=["UTC", "Asia/Tokyo", "America/Denver"])
def process_time_zone(request):
    """Run with the server process's own clock in another zone; the clinic's answers must not move."""
    original = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if original is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = original
    time.tzset()


@pytest.fixture
def medical_center_drive():
    return Location.objects.get(slug="medical-center-drive")


@pytest.fixture
def dean_martin():
    return Location.objects.get(slug="dean-martin")
