"""The reports' waitlist figures with known data: freed times, offered, offers sent, refilled and
the median from freed to refilled, per office and week freed (clinic time), on both databases
(PostgreSQL's percentile_cont, the Python fallback on SQLite), in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import FreedTime, WaitlistOffer
from reports.figures import build_report, csv_rows
from tests.appointments.conftest import CLINIC_ZONE, make_request

from .generated import generate_freed_times, generate_requests

pytestmark = pytest.mark.django_db

REPORTS = "/admin/appointments/appointmentrequest/reports/"
NOV_23, NOV_30 = datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)
HOUR = 3600


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CLINIC_ZONE)


@pytest.fixture
def patients(medical_center):
    return [make_request(medical_center, phone=f"+1915555{number:04d}") for number in range(4)]


def freed(office, freed_at, offered_to=(), claimed_after=None):
    time = FreedTime.objects.create(
        office=office,
        at=freed_at + datetime.timedelta(days=5),
        freed_at=freed_at,
        claimed_by=offered_to[0] if claimed_after is not None else None,
        claimed_at=freed_at + datetime.timedelta(seconds=claimed_after) if claimed_after is not None else None,
    )
    for patient in offered_to:
        WaitlistOffer.objects.create(
            freed_time=time,
            appointment_request=patient,
            digest=f"{time.pk:032x}{patient.pk:032x}",
            expires_at=time.at,
        )
    return time


@pytest.fixture
def known(patients, medical_center, dean_martin):
    a, b, c, d = patients
    # Medical Center Drive, week of Nov 23: claimed after 1 h (two offers), after 3 h (one), and
    # one never offered, freed late on Sunday night: still that week on the clinic's clock.
    freed(medical_center, at(24, 9), offered_to=[a, b], claimed_after=1 * HOUR)
    freed(medical_center, at(25, 14), offered_to=[c], claimed_after=3 * HOUR)
    freed(medical_center, at(29, 23, 30))
    # Week of Nov 30: offered, not claimed.
    freed(medical_center, at(30, 8), offered_to=[d])
    # Dean Martin, week of Nov 23: claimed after 30 minutes and after 4 h 30.
    freed(dean_martin, at(23, 10), offered_to=[a], claimed_after=HOUR // 2)
    freed(dean_martin, at(27, 11), offered_to=[b], claimed_after=4 * HOUR + HOUR // 2)
    # Before the range: counted nowhere.
    freed(dean_martin, at(22, 10), offered_to=[c], claimed_after=10 * HOUR)


def figures_of(refills):
    return (refills.freed, refills.offered, refills.offers, refills.refilled, refills.median_hours)


def test_counts_and_medians_per_office_and_week(known, medical_center, dean_martin):
    waitlist = build_report(NOV_23, datetime.date(2026, 12, 1)).waitlist
    assert waitlist.weeks == [NOV_23, NOV_30]
    assert figures_of(waitlist.cell(NOV_23, medical_center)) == (3, 2, 3, 2, 2.0)
    assert figures_of(waitlist.cell(NOV_30, medical_center)) == (1, 1, 1, 0, None)
    assert figures_of(waitlist.cell(NOV_23, dean_martin)) == (2, 2, 2, 2, 2.5)
    assert figures_of(waitlist.cell(NOV_30, dean_martin)) == (0, 0, 0, 0, None)
    assert figures_of(waitlist.by_office[medical_center.pk]) == (4, 3, 4, 2, 2.0)
    assert figures_of(waitlist.by_office[dean_martin.pk]) == (2, 2, 2, 2, 2.5)
    # Over the range: 0.5, 1, 3 and 4.5 hours, interpolated between the middle two.
    assert figures_of(waitlist.total) == (6, 5, 6, 4, 2.0)
    assert [(monday, office.name) for monday, office, _refills in waitlist.rows] == [
        (NOV_23, medical_center.name),
        (NOV_23, dean_martin.name),
        (NOV_30, medical_center.name),
    ]


def test_one_office_only(known, dean_martin):
    waitlist = build_report(NOV_23, datetime.date(2026, 12, 1), dean_martin).waitlist
    assert waitlist.offices == [dean_martin]
    assert figures_of(waitlist.total) == (2, 2, 2, 2, 2.5)


def test_the_csv_rows(known, medical_center):
    rows = list(csv_rows(build_report(NOV_23, datetime.date(2026, 12, 1))))
    whole = "2026-11-23 to 2026-12-01"
    for row in [
        ["Waitlist: times freed", "2026-11-23", medical_center.name, 3],
        ["Waitlist: times refilled", "2026-11-30", medical_center.name, 0],
        ["Waitlist: median hours from freed to refilled", "2026-11-30", medical_center.name, ""],
        ["Waitlist: offers sent", whole, "All offices shown", 6],
        ["Waitlist: median hours from freed to refilled", whole, "All offices shown", 2.0],
    ]:
        assert row in rows, row


def test_the_page_shows_the_table(known, front_desk_client):
    html = front_desk_client.get(REPORTS, {"start": "2026-11-23", "end": "2026-12-01"}).content.decode()
    assert "Freed times per week and office: offered and refilled" in html
    assert "<td>Dean Martin</td><td>2</td><td>2</td><td>2</td><td>2</td><td>2.5</td>" in html


def test_no_freed_time_says_so(front_desk_client):
    html = front_desk_client.get(REPORTS).content.decode()
    assert "No time was freed in this range." in html


def test_the_waitlist_queries_do_not_grow_with_the_freed_times(front_desk_client):
    requests = generate_requests(50, seed=3)

    def queries_on_freed_times():
        with CaptureQueriesContext(connection) as queries:
            build_report(datetime.date(2025, 12, 1), datetime.date(2026, 12, 1))
        return [query["sql"] for query in queries.captured_queries if "appointments_freedtime" in query["sql"]]

    generate_freed_times(5, requests, seed=1)
    few = queries_on_freed_times()
    generate_freed_times(500, requests, seed=2)
    many = queries_on_freed_times()
    # The counts in one scan; the medians by week and office, by office and over the range in
    # the database (PostgreSQL), or from one read of the claimed times (SQLite).
    assert len(few) == len(many) == (4 if connection.vendor == "postgresql" else 2)
