"""Fixtures for the hardening tests: valid requests to start from, and real servers.

The live-server fixtures run gunicorn in a subprocess with production-like settings on a
PostgreSQL database of its own (created, migrated and dropped here), the same way
`bench/run.py` does; see tests/live.py.
"""

import datetime

import pytest
from django.utils import timezone

from locations.hours import accepts_requests_on
from locations.models import Location
from tests.factories import form_data
from tests.live import (
    GunicornServer,
    ThrowawayDatabase,
    delete_redis_keys,
    production_env,
    redis_url,
    unique_name,
)

FORM_URL = "/appointments/request/"
RECEIVED_URL = "/appointments/request/received/"


def next_request_day(office, days_ahead=1):
    """The first day from `days_ahead` on that `office` takes requests (not a weekend or closure)."""
    office = Location.objects.for_display().get(pk=office.pk)
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    for _ in range(60):
        if accepts_requests_on(office, day):
            return day
        day += datetime.timedelta(days=1)
    raise AssertionError(f"{office} takes no requests in the next 60 days")


# The plainest request: a phone number and nothing optional.
PLAIN_REQUEST = {
    "first_name": "Maria",
    "last_name": "Lopez",
    "phone": "915-261-7788",
    "email": "",
    "preferred_time": "any",
    "message": "",
    "callback_language": "en",
}


def valid_submission(office, day, **overrides):
    """What a patient's browser posts for a request the form accepts, for `day`."""
    return form_data(office, **{**PLAIN_REQUEST, "preferred_date": day, **overrides})


@pytest.fixture
def office(db):
    return Location.objects.taking_requests().order_by("display_order", "name").first()


@pytest.fixture
def request_day(office):
    return next_request_day(office)


@pytest.fixture
def submission(office, request_day):
    return valid_submission(office, request_day)


@pytest.fixture
def office_phones(db):
    phones = list(Location.objects.values_list("phone", flat=True))
    assert phones, "the seed migration should have created the offices"
    return phones


# --- live servers ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_database():
    """A migrated PostgreSQL database for gunicorn, apart from pytest-django's test database."""
    database = ThrowawayDatabase(unique_name("clinic_live"))
    database.create()
    try:
        database.manage("migrate", "--no-input")
        yield database
    finally:
        database.drop()


@pytest.fixture
def shared_cache():
    """Settings for a Redis cache shared by every server a test starts, under a prefix of its own."""
    url, prefix = redis_url(), unique_name("hardening")
    yield {"REDIS_URL": url, "CACHE_KEY_PREFIX": prefix}
    delete_redis_keys(url, prefix)


@pytest.fixture
def start_gunicorn(tmp_path):
    """`start_gunicorn(database_url, workers=2, SETTING=value, ...)`: a running production-like
    server; stopped when the test ends."""
    servers = []

    def start(database_url, workers=2, **settings):
        server = GunicornServer(production_env(DATABASE_URL=database_url, **settings), workers, log_dir=tmp_path)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def create_live_superuser(live_database, password, prefix="staff"):
    """A staff member with every permission in the live server's database; returns the username."""
    username = unique_name(prefix)
    live_database.manage(
        "createsuperuser",
        "--no-input",
        "--username",
        username,
        "--email",
        f"{prefix}@clinic.test",
        env=production_env(DATABASE_URL=live_database.url(), DJANGO_SUPERUSER_PASSWORD=password),
    )
    return username
