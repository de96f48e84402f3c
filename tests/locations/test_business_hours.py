"""Business time between two moments (the reports' time to first contact): the office's open
hours, Monday to Friday, clinic clock, after special dates. Run under three process zones."""

import datetime

import pytest

from locations.hours import business_seconds_between
from locations.models import DayKind, SpecialDate
from tests.conftest import clinic_time

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("process_time_zone")]

MINUTE, HOUR = 60, 3600


@pytest.mark.parametrize(
    ("received", "contacted", "expected"),
    [
        # 4:55 PM Friday, called back 8:05 AM Monday: five minutes before closing, five after opening.
        (clinic_time(2026, 5, 8, 16, 55), clinic_time(2026, 5, 11, 8, 5), 10 * MINUTE),
        # Received on Saturday: the wait starts at Monday's opening.
        (clinic_time(2026, 5, 9, 11), clinic_time(2026, 5, 11, 10, 30), 150 * MINUTE),
        (clinic_time(2026, 5, 10, 23, 59), clinic_time(2026, 5, 11, 8), 0),
        # Within one day, and across a night (5 PM to 8 AM counts nothing).
        (clinic_time(2026, 5, 12, 9), clinic_time(2026, 5, 12, 9, 45), 45 * MINUTE),
        (clinic_time(2026, 5, 12, 16), clinic_time(2026, 5, 13, 9), 2 * HOUR),
        # Received before opening.
        (clinic_time(2026, 5, 12, 6), clinic_time(2026, 5, 12, 8, 30), 30 * MINUTE),
        # Contact before the request (a wrong clock): nothing, never negative.
        (clinic_time(2026, 5, 12, 10), clinic_time(2026, 5, 12, 9), 0),
        # A whole week: five days of nine hours.
        (clinic_time(2026, 5, 11, 8), clinic_time(2026, 5, 18, 8), 45 * HOUR),
        # Spring forward (Sunday 2026-03-08): Friday 4 PM to Monday 9 AM is two business hours,
        # though the UTC clock says one hour less passed than the wall clock.
        (clinic_time(2026, 3, 6, 16), clinic_time(2026, 3, 9, 9), 2 * HOUR),
        # Fall back (Sunday 2026-11-01): likewise, with an hour more on the UTC clock.
        (clinic_time(2026, 10, 30, 16), clinic_time(2026, 11, 2, 9), 2 * HOUR),
        # A whole daylight-saving week, Monday to Monday.
        (clinic_time(2026, 3, 2, 8), clinic_time(2026, 3, 9, 8), 45 * HOUR),
        (clinic_time(2026, 3, 9, 8), clinic_time(2026, 3, 16, 8), 45 * HOUR),
    ],
)
def test_medical_center_drive(medical_center, received, contacted, expected):
    assert business_seconds_between(medical_center, received, contacted) == expected


def test_a_closure_day_does_not_count(medical_center):
    # Thanksgiving, Thursday 2026-11-26: Wednesday 4 PM to Friday 9 AM is Wednesday's hour and Friday's.
    SpecialDate.objects.create(location=medical_center, date=datetime.date(2026, 11, 26), kind=DayKind.CLOSED)
    received, contacted = clinic_time(2026, 11, 25, 16), clinic_time(2026, 11, 27, 9)
    assert business_seconds_between(medical_center, received, contacted) == 2 * HOUR


def test_changed_hours_on_a_special_date_count_instead_of_the_weekly_ones(medical_center):
    SpecialDate.objects.create(
        location=medical_center,
        date=datetime.date(2026, 12, 24),
        kind=DayKind.OPEN,
        opens=datetime.time(8),
        closes=datetime.time(12),
    )
    received, contacted = clinic_time(2026, 12, 24, 7), clinic_time(2026, 12, 25, 8)
    assert business_seconds_between(medical_center, received, contacted) == 4 * HOUR


@pytest.mark.parametrize(
    ("received", "contacted", "expected"),
    [
        # Dean Martin opens Thursdays 1 to 5 PM only; its "by appointment" weekdays count nothing.
        (clinic_time(2026, 5, 11, 9), clinic_time(2026, 5, 13, 16), 0),
        (clinic_time(2026, 5, 11, 9), clinic_time(2026, 5, 14, 14, 30), 90 * MINUTE),
        # Thursday 4:30 PM to the next Thursday 1:30 PM: half an hour, then half an hour.
        (clinic_time(2026, 5, 14, 16, 30), clinic_time(2026, 5, 21, 13, 30), 60 * MINUTE),
        # Thursday to Friday morning: Friday is by appointment only.
        (clinic_time(2026, 5, 14, 13), clinic_time(2026, 5, 15, 11), 4 * HOUR),
    ],
)
def test_dean_martin_counts_its_thursday_afternoons_only(dean_martin, received, contacted, expected):
    assert business_seconds_between(dean_martin, received, contacted) == expected


def test_weekend_hours_do_not_count(medical_center):
    """Business days are Monday to Friday, even at an office that opens on a Saturday."""
    medical_center.weekly_hours.filter(weekday=5).update(
        kind=DayKind.OPEN, opens=datetime.time(9), closes=datetime.time(12)
    )
    received, contacted = clinic_time(2026, 5, 8, 17), clinic_time(2026, 5, 11, 8)
    assert business_seconds_between(medical_center, received, contacted) == 0


def test_reads_the_hours_in_two_queries_whatever_the_span(medical_center, django_assert_num_queries):
    with django_assert_num_queries(2):
        business_seconds_between(medical_center, clinic_time(2026, 1, 5, 8), clinic_time(2026, 12, 28, 8))
