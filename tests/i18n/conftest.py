import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from locations.models import Location


def travel_to(year, month, day, hour, minute=0):
    """Freeze the clock at a wall-clock moment in El Paso, handed to time-machine in UTC: given
    a ZoneInfo-aware moment it would also switch the process's own time zone."""
    moment = datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())
    return time_machine.travel(moment.astimezone(datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request under /es/ leaves Spanish active in the test's thread; what the test itself
    reverses or renders must not depend on which request ran before."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def medical_center_drive(db):
    return Location.objects.get(slug="medical-center-drive")


@pytest.fixture
def dean_martin(db):
    return Location.objects.get(slug="dean-martin")
