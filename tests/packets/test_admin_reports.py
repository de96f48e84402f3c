"""The reports' packet figure: of the visits booked in a week at an office, the share that came
with a complete pre-visit packet (the page's table and the CSV)."""

import csv
import io

import pytest

from appointments.models import ClosingReason, Status
from packets.models import Packet
from tests.conftest import clinic_time

from .staff_packets import booked_request, make_packet

pytestmark = pytest.mark.django_db

REPORTS_CSV = "/admin/appointments/appointmentrequest/reports/csv/"
REPORTS = "/admin/appointments/appointmentrequest/reports/"


@pytest.fixture
def visits(medical_center, dean_martin):
    """Week of Nov 30: Medical Center Drive 3 booked (2 complete, 1 in progress), Dean Martin 1
    booked without packet and 1 cancelled with a complete one; week of Dec 7: 1 booked and
    closed as booked, complete."""
    complete = [
        booked_request(medical_center, visit_at=clinic_time(2026, 12, 1, 9)),
        booked_request(medical_center, visit_at=clinic_time(2026, 12, 4, 15)),
    ]
    for request in complete:
        make_packet(request, images=[])
    started = booked_request(medical_center, visit_at=clinic_time(2026, 12, 2, 10))
    make_packet(started, status=Packet.Status.IN_PROGRESS, images=[])
    booked_request(dean_martin, visit_at=clinic_time(2026, 12, 3, 9))
    cancelled = booked_request(dean_martin, visit_at=clinic_time(2026, 12, 3, 10), status=Status.VISIT_CANCELLED)
    make_packet(cancelled, images=[])
    closed = booked_request(
        medical_center,
        visit_at=clinic_time(2026, 12, 8, 9),
        status=Status.CLOSED,
        closing_reason=ClosingReason.BOOKED,
    )
    make_packet(closed, images=[])


def packet_rows(response):
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return {(figure, week, group): value for figure, week, group, value in reader if "isit" in figure}


def test_the_csv_gives_the_share_per_office_and_visit_week(front_desk_client, visits):
    rows = packet_rows(front_desk_client.get(REPORTS_CSV, {"start": "2026-11-30", "end": "2026-12-13"}))
    share = "Share of visits with a complete pre-visit packet (%)"
    assert rows["Visits booked (week of the visit)", "2026-11-30", "Medical Center Drive"] == "3"
    assert rows["Visits with a complete pre-visit packet", "2026-11-30", "Medical Center Drive"] == "2"
    assert rows[share, "2026-11-30", "Medical Center Drive"] == "66.7"
    assert rows["Visits booked (week of the visit)", "2026-11-30", "Dean Martin"] == "1"  # not the cancelled one
    assert rows[share, "2026-11-30", "Dean Martin"] == "0.0"
    assert rows[share, "2026-12-07", "Medical Center Drive"] == "100.0"
    assert rows[share, "2026-12-07", "Dean Martin"] == ""  # no visit booked: no share


def test_the_page_shows_the_share_in_a_table(front_desk_client, visits):
    html = front_desk_client.get(REPORTS, {"start": "2026-11-30", "end": "2026-12-13"}).content.decode()
    assert "Booked visits with a complete packet, by the visit's week and office" in html
    assert "66.7% (2 of 3)" in html
    assert "50.0%" in html  # the week of Nov 30, both offices: 2 of 4
