"""The office-hours rules, on the clinic's clock whatever the server's own time zone is.

Every test here runs three times (process_time_zone): TZ=UTC, TZ=Asia/Tokyo, TZ=America/Denver.
"""

import datetime
import time

import pytest
from django.utils import timezone

from locations import hours
from locations.models import DayKind, Location, SpecialDate, WeeklyHours
from tests.conftest import clinic_time, travel_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("process_time_zone")]

UTC = datetime.UTC


def status_now(office):
    """The status a page would show right now, read from a freshly prefetched office."""
    office = Location.objects.for_display().get(pk=office.pk)
    return hours.status_at(office, timezone.localtime())


def utc(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "state", "text", "next_opening"),
    [
        # Monday 2026-03-09, the first weekday after the spring-forward change.
        (clinic_time(2026, 3, 9, 7, 30), "closed", "Closed, opens today 8:00 AM", clinic_time(2026, 3, 9, 8)),
        (clinic_time(2026, 3, 9, 8), "open", "Open now, closes 5:00 PM", clinic_time(2026, 3, 10, 8)),
        (clinic_time(2026, 3, 9, 12), "open", "Open now, closes 5:00 PM", clinic_time(2026, 3, 10, 8)),
        (clinic_time(2026, 3, 9, 16, 59), "open", "Open now, closes 5:00 PM", clinic_time(2026, 3, 10, 8)),
        (clinic_time(2026, 3, 9, 17), "closed", "Closed, opens tomorrow 8:00 AM", clinic_time(2026, 3, 10, 8)),
        # Friday evening and the weekend: Monday morning is next.
        (clinic_time(2026, 3, 13, 18), "closed", "Closed, opens Monday 8:00 AM", clinic_time(2026, 3, 16, 8)),
        (clinic_time(2026, 3, 14, 11), "closed", "Closed, opens Monday 8:00 AM", clinic_time(2026, 3, 16, 8)),
        (clinic_time(2026, 3, 15, 23, 59), "closed", "Closed, opens tomorrow 8:00 AM", clinic_time(2026, 3, 16, 8)),
    ],
)
def test_medical_center_drive_weekday_hours(medical_center, moment, state, text, next_opening):
    with travel_to(moment):
        status = status_now(medical_center)
        assert (status.state, status.text) == (state, text)
        assert hours.next_opening(medical_center, timezone.localtime()) == next_opening


@pytest.mark.parametrize(
    ("moment", "state", "text"),
    [
        (clinic_time(2026, 3, 12, 9), "closed", "Closed, opens today 1:00 PM"),
        (clinic_time(2026, 3, 12, 12, 59), "closed", "Closed, opens today 1:00 PM"),
        (clinic_time(2026, 3, 12, 13), "open", "Open now, closes 5:00 PM"),
        (clinic_time(2026, 3, 12, 16, 30), "open", "Open now, closes 5:00 PM"),
        (clinic_time(2026, 3, 12, 17), "closed", "Closed, opens Thursday, March 19 1:00 PM"),
        (clinic_time(2026, 3, 14, 11), "closed", "Closed, opens Thursday 1:00 PM"),
        (clinic_time(2026, 3, 15, 11), "closed", "Closed, opens Thursday 1:00 PM"),
    ],
)
def test_dean_martin_opens_thursday_afternoons(dean_martin, moment, state, text):
    with travel_to(moment):
        status = status_now(dean_martin)
    assert (status.state, status.text) == (state, text)


@pytest.mark.parametrize(
    "moment", [clinic_time(2026, 3, 9, 7), clinic_time(2026, 3, 11, 12), clinic_time(2026, 3, 13, 18)]
)
def test_dean_martin_by_appointment_days_say_to_call_its_phone(dean_martin, moment):
    with travel_to(moment):
        status = status_now(dean_martin)
    assert status.state == "by_appointment"
    assert status.text == "By appointment only today: call 915-260-4633"


def test_dean_martin_next_opening_from_friday_is_thursday_afternoon(dean_martin):
    with travel_to(clinic_time(2026, 3, 13, 18)):
        assert hours.next_opening(dean_martin, timezone.localtime()) == clinic_time(2026, 3, 19, 13)


def test_next_opening_is_strictly_after_the_moment(medical_center):
    assert hours.next_opening(medical_center, clinic_time(2026, 3, 9, 8)) == clinic_time(2026, 3, 10, 8)
    assert hours.next_opening(medical_center, clinic_time(2026, 3, 9, 7, 59)) == clinic_time(2026, 3, 9, 8)


def test_evening_in_el_paso_is_still_today_though_utc_is_tomorrow(medical_center):
    # 02:00 UTC on Tuesday is 8:00 PM on Monday in El Paso (and 11:00 AM Tuesday in Tokyo).
    with travel_to(utc(2026, 3, 10, 2)):
        assert timezone.localdate() == datetime.date(2026, 3, 9)
        status = status_now(medical_center)
    assert (status.state, status.text) == ("closed", "Closed, opens tomorrow 8:00 AM")
    assert status.next_opening == utc(2026, 3, 10, 14)


def test_the_process_clock_really_is_in_the_zone_under_test(process_time_zone):
    standard_offsets = {"UTC": 0, "Asia/Tokyo": 9 * 3600, "America/Denver": -7 * 3600}
    assert -time.timezone == standard_offsets[process_time_zone]


def test_djangos_local_time_is_aware_and_on_the_clinic_clock():
    with travel_to(utc(2026, 7, 1, 18)):
        now = timezone.localtime()
    assert now.utcoffset() == datetime.timedelta(hours=-6)
    assert (now.hour, str(now.tzinfo)) == (12, "America/Denver")


class TestDaylightSavingChanges:
    """2026-03-08 (clocks spring forward 2 AM -> 3 AM) and 2026-11-01 (fall back 2 AM -> 1 AM)."""

    @pytest.mark.parametrize(
        "moment",
        [utc(2026, 3, 8, 1), utc(2026, 3, 8, 8, 30), utc(2026, 3, 8, 9, 30), utc(2026, 3, 8, 20)],
        ids=["saturday-evening-mst", "sunday-1:30-mst", "sunday-3:30-mdt", "sunday-2pm-mdt"],
    )
    def test_spring_forward_weekend_opens_monday_at_8_mountain_daylight_time(self, medical_center, moment):
        with travel_to(moment):
            status = status_now(medical_center)
        assert status.state == "closed"
        assert status.next_opening == utc(2026, 3, 9, 14)  # 8:00 AM MDT
        assert status.next_opening.hour == 8

    def test_spring_forward_sunday_says_tomorrow(self, medical_center):
        with travel_to(utc(2026, 3, 8, 9, 30)):  # 3:30 AM MDT, an hour after 1:30 AM MST
            assert status_now(medical_center).text == "Closed, opens tomorrow 8:00 AM"

    def test_monday_after_spring_forward_opens_at_8_local(self, medical_center):
        with travel_to(utc(2026, 3, 9, 13, 59)):
            assert status_now(medical_center).text == "Closed, opens today 8:00 AM"
        with travel_to(utc(2026, 3, 9, 14)):
            assert status_now(medical_center).text == "Open now, closes 5:00 PM"
        with travel_to(utc(2026, 3, 9, 22, 59)):
            assert status_now(medical_center).state == "open"
        with travel_to(utc(2026, 3, 9, 23)):
            assert status_now(medical_center).state == "closed"

    def test_friday_before_fall_back_opens_monday_at_8_mountain_standard_time(self, medical_center):
        with travel_to(clinic_time(2026, 10, 30, 18)):
            status = status_now(medical_center)
        assert status.text == "Closed, opens Monday 8:00 AM"
        assert status.next_opening == utc(2026, 11, 2, 15)  # 8:00 AM MST

    @pytest.mark.parametrize(
        "moment", [utc(2026, 11, 1, 7, 30), utc(2026, 11, 1, 8, 30)], ids=["first-1:30-mdt", "second-1:30-mst"]
    )
    def test_the_repeated_hour_on_fall_back_sunday(self, medical_center, moment):
        with travel_to(moment):
            status = status_now(medical_center)
        assert status.text == "Closed, opens tomorrow 8:00 AM"
        assert status.next_opening == utc(2026, 11, 2, 15)

    def test_monday_after_fall_back_opens_at_8_local(self, medical_center):
        with travel_to(utc(2026, 11, 2, 14, 59)):
            assert status_now(medical_center).text == "Closed, opens today 8:00 AM"
        with travel_to(utc(2026, 11, 2, 15)):
            assert status_now(medical_center).text == "Open now, closes 5:00 PM"
        with travel_to(utc(2026, 11, 3, 0)):  # 5:00 PM MST
            assert status_now(medical_center).text == "Closed, opens tomorrow 8:00 AM"


def special_opening(office, day, opens, closes):
    """Open on `day` from `opens` to `closes` o'clock, whatever the week says."""
    return SpecialDate.objects.create(
        location=office, date=day, kind=DayKind.OPEN, opens=datetime.time(opens), closes=datetime.time(closes)
    )


class TestSpecialDates:
    def test_closure_date_closes_an_open_weekday(self, medical_center):
        SpecialDate.objects.create(
            location=medical_center, date=datetime.date(2026, 3, 9), kind=DayKind.CLOSED, note="Staff training"
        )
        with travel_to(clinic_time(2026, 3, 9, 10)):
            status = status_now(medical_center)
        assert (status.state, status.text) == ("closed", "Closed, opens tomorrow 8:00 AM")
        assert status.today.is_special and status.today.note == "Staff training"

    def test_closure_on_monday_moves_the_weekend_opening_to_tuesday(self, medical_center):
        SpecialDate.objects.create(location=medical_center, date=datetime.date(2026, 3, 16), kind=DayKind.CLOSED)
        with travel_to(clinic_time(2026, 3, 13, 18)):
            status = status_now(medical_center)
        assert status.text == "Closed, opens Tuesday 8:00 AM"
        assert status.next_opening == clinic_time(2026, 3, 17, 8)

    def test_changed_hours_replace_the_weekly_hours(self, medical_center):
        special_opening(medical_center, datetime.date(2026, 3, 9), 10, 14)
        with travel_to(clinic_time(2026, 3, 9, 9)):
            assert status_now(medical_center).text == "Closed, opens today 10:00 AM"
        with travel_to(clinic_time(2026, 3, 9, 13)):
            assert status_now(medical_center).text == "Open now, closes 2:00 PM"
        with travel_to(clinic_time(2026, 3, 9, 14)):
            assert status_now(medical_center).text == "Closed, opens tomorrow 8:00 AM"

    def test_extra_opening_on_a_saturday(self, dean_martin):
        special_opening(dean_martin, datetime.date(2026, 3, 14), 9, 12)
        with travel_to(clinic_time(2026, 3, 13, 18)):
            assert hours.next_opening(dean_martin, timezone.localtime()) == clinic_time(2026, 3, 14, 9)
            assert status_now(dean_martin).state == "by_appointment"
        with travel_to(clinic_time(2026, 3, 14, 8)):
            assert status_now(dean_martin).text == "Closed, opens today 9:00 AM"

    def test_a_day_with_a_lunch_break_says_when_the_current_interval_closes(self, medical_center):
        day = datetime.date(2026, 3, 9)
        for opens, closes in [(8, 12), (13, 17)]:
            SpecialDate.objects.create(
                location=medical_center, date=day, opens=datetime.time(opens), closes=datetime.time(closes)
            )
        with travel_to(clinic_time(2026, 3, 9, 11)):
            assert status_now(medical_center).text == "Open now, closes 12:00 PM"
        with travel_to(clinic_time(2026, 3, 9, 12, 30)):
            assert status_now(medical_center).text == "Closed, opens today 1:00 PM"
            office = Location.objects.for_display().get(pk=medical_center.pk)
        assert hours.hours_on(office, day).intervals == (
            (datetime.time(8), datetime.time(12)),
            (datetime.time(13), datetime.time(17)),
        )

    def test_long_closure_beyond_the_lookahead_has_no_next_opening(self, medical_center):
        start = datetime.date(2026, 3, 9)
        SpecialDate.objects.bulk_create(
            SpecialDate(location=medical_center, date=start + datetime.timedelta(days=n), kind=DayKind.CLOSED)
            for n in range(hours.LOOKAHEAD_DAYS + 2)
        )
        with travel_to(clinic_time(2026, 3, 9, 10)):
            status = status_now(medical_center)
        assert (status.state, status.text, status.next_opening) == ("closed", "Closed", None)


class TestHoursOn:
    def test_seed_week_at_both_offices(self, medical_center, dean_martin):
        monday = datetime.date(2026, 3, 9)
        week = [monday + datetime.timedelta(days=n) for n in range(7)]
        assert [hours.hours_on(medical_center, day).text for day in week] == ["8:00 AM - 5:00 PM"] * 5 + [
            "Closed",
            "Closed",
        ]
        assert [hours.hours_on(dean_martin, day).kind for day in week] == [
            "by_appointment",
            "by_appointment",
            "by_appointment",
            "open",
            "by_appointment",
            "closed",
            "closed",
        ]
        assert hours.hours_on(dean_martin, datetime.date(2026, 3, 12)).intervals == (
            (datetime.time(13), datetime.time(17)),
        )

    def test_a_day_with_no_row_is_closed(self, medical_center):
        WeeklyHours.objects.filter(location=medical_center, weekday=0).delete()
        day = hours.hours_on(medical_center, datetime.date(2026, 3, 9))
        assert (day.kind, day.intervals, day.is_closed) == ("closed", (), True)

    def test_contradictory_rows_take_the_most_cautious_kind(self, medical_center):
        WeeklyHours.objects.create(location=medical_center, weekday=0, kind=DayKind.BY_APPOINTMENT)
        assert hours.hours_on(medical_center, datetime.date(2026, 3, 9)).is_by_appointment

    def test_prefetched_office_answers_without_queries(self, medical_center, django_assert_num_queries):
        with travel_to(clinic_time(2026, 3, 9, 10)):
            office = Location.objects.for_display().get(pk=medical_center.pk)
            with django_assert_num_queries(0):
                hours.status_at(office, timezone.localtime())
                hours.week_hours(office, timezone.localdate())
                hours.next_opening(office, clinic_time(2026, 3, 14, 10))

    def test_week_hours_are_the_next_seven_days_from_today(self, dean_martin):
        thursday = datetime.date(2026, 3, 12)
        week = hours.week_hours(dean_martin, thursday)
        assert [day.date for day in week] == [thursday + datetime.timedelta(days=n) for n in range(7)]
        assert week[0].is_open and week[1].is_by_appointment and week[2].is_closed


class TestAcceptsRequestsOn:
    @pytest.mark.parametrize(
        ("slug", "day", "accepts"),
        [
            ("medical-center-drive", datetime.date(2026, 3, 9), True),
            ("medical-center-drive", datetime.date(2026, 3, 14), False),
            ("medical-center-drive", datetime.date(2026, 3, 15), False),
            ("dean-martin", datetime.date(2026, 3, 9), True),  # by appointment
            ("dean-martin", datetime.date(2026, 3, 12), True),
            ("dean-martin", datetime.date(2026, 3, 14), False),
        ],
    )
    def test_open_and_by_appointment_days_take_requests(self, slug, day, accepts):
        assert hours.accepts_requests_on(Location.objects.get(slug=slug), day) is accepts

    def test_closure_date_takes_no_requests(self, medical_center):
        SpecialDate.objects.create(location=medical_center, date=datetime.date(2026, 3, 9), kind=DayKind.CLOSED)
        assert hours.accepts_requests_on(medical_center, datetime.date(2026, 3, 9)) is False
        assert hours.accepts_requests_on(medical_center, datetime.date(2026, 3, 10)) is True


@pytest.mark.parametrize(
    ("kind", "intervals", "mornings", "afternoons"),
    [
        (DayKind.OPEN, ((datetime.time(8), datetime.time(17)),), True, True),
        (DayKind.OPEN, ((datetime.time(8), datetime.time(12)),), True, False),
        (DayKind.OPEN, ((datetime.time(13), datetime.time(17)),), False, True),
        (DayKind.OPEN, ((datetime.time(8), datetime.time(10)), (datetime.time(14), datetime.time(16))), True, True),
        (DayKind.BY_APPOINTMENT, (), True, True),  # the front desk arranges any time
        (DayKind.CLOSED, (), False, False),
    ],
)
def test_which_part_of_the_day_an_office_takes_requests_for(kind, intervals, mornings, afternoons):
    day = hours.DayHours(date=datetime.date(2026, 3, 9), kind=kind, intervals=intervals)
    assert (day.takes_mornings, day.takes_afternoons) == (mornings, afternoons)
