"""Reports that add up and lead with the point: outcomes summing to the requests received,
whole-number ticks, the headline with the previous period, requests handled per person."""

import datetime
import re

import pytest
from django.urls import reverse

from appointments.models import PatientChoice, Status
from appointments.workflow import move_to
from reports import charts
from reports.figures import build_report, headline, previous_range
from tests.appointments.conftest import NOW, TODAY, make_request, visit_on
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:appointments_reports")
RANGE = (TODAY - datetime.timedelta(days=13), TODAY)


def test_a_patients_cancellation_later_closed_counts_once_and_outcomes_sum_to_the_requests(medical_center):
    rosa = StaffFactory(username="rosa")
    day = datetime.date(2026, 12, 3)
    # The patient cancels through their link, then the front desk closes the request.
    cancelled_then_closed = make_request(medical_center, status=Status.CONTACTED)
    move_to(cancelled_then_closed, Status.SCHEDULED, by=rosa, visit=visit_on(day, 10, medical_center))
    move_to(cancelled_then_closed, Status.VISIT_CANCELLED, by=None, patient_choice=PatientChoice.CANCELLED)
    move_to(cancelled_then_closed, Status.CLOSED, by=rosa, closing_reason="declined")
    # A patient cancels by phone, and staff mark it as the patient's.
    by_phone = make_request(medical_center, status=Status.CONTACTED)
    move_to(by_phone, Status.SCHEDULED, by=rosa, visit=visit_on(day, 11, medical_center))
    by_phone.cancelled_by = "patient"
    move_to(by_phone, Status.VISIT_CANCELLED, by=rosa)
    make_request(medical_center)

    report = build_report(*RANGE)

    outcomes = {label: count for label, count, _part in report.outcomes}
    assert report.received == 3
    assert report.outcomes_total == 3
    assert outcomes["Closed: Patient no longer wants an appointment"] == 1
    assert outcomes["Visit cancelled"] == 1
    assert outcomes["of which cancelled by the patient (link or phone)"] == 1
    assert report.handled_by == [("rosa", 2)]


def test_the_intake_charts_ticks_are_whole_numbers():
    # 25 requests in the busiest week made ticks of 6.25 before.
    svg = str(charts.stacked_bars("intake", "Requests", "summary", "Requests", ["a", "b"], [("Office", [25, 3])]))
    ticks = re.findall(r'text-anchor="end" font-size="12" fill="[^"]+">([^<]+)</text>', svg)
    assert ticks == ["0", "7", "14", "21", "28"]
    assert all(float(tick).is_integer() for tick in ticks)


def test_the_headline_leads_the_page_with_the_previous_period(front_desk_client, medical_center):
    make_request(medical_center)
    make_request(medical_center, received=NOW - datetime.timedelta(days=16))
    make_request(medical_center, received=NOW - datetime.timedelta(days=17))

    response = front_desk_client.get(REPORTS, {"start": RANGE[0].isoformat(), "end": RANGE[1].isoformat()})

    html = response.content.decode()
    assert html.index("At a glance") < html.index("Range</h2>")
    assert response.context["headline"]["figures"][0] == ("Requests received", "1", "2")
    assert [label for label, _now, _before in response.context["headline"]["figures"]] == [
        "Requests received",
        "Contacted within one business day",
        "Median wait for a first contact (business hours)",
        "Visits booked",
    ]


def test_the_previous_period_is_as_long_and_ends_the_day_before():
    assert previous_range(datetime.date(2026, 12, 1), datetime.date(2026, 12, 14)) == (
        datetime.date(2026, 11, 17),
        datetime.date(2026, 11, 30),
    )


def test_the_headline_of_an_empty_range_shows_dashes_not_errors():
    empty = build_report(*RANGE)
    assert headline(empty, empty)[1:3] == [
        ("Contacted within one business day", "—", "—"),
        ("Median wait for a first contact (business hours)", "—", "—"),
    ]
