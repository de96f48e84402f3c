"""The front desk's reports page and its CSV: the figures, their queries, who may see them,
and that they identify no patient."""

import collections
import csv
import datetime
import importlib
import io
import statistics
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from appointments.models import (
    LANGUAGE_CHOICES,
    AppointmentRequest,
    ClosingReason,
    FreedTime,
    PatientChoice,
    PatientKind,
    Reason,
    Status,
    WaitlistOffer,
)
from locations.models import Location
from reports.figures import WAITLIST_FIGURES
from staff.models import AccessRecord
from tests.appointments.conftest import CLINIC_ZONE, TODAY, make_request
from tests.conftest import staff_login
from tests.factories import StaffFactory

from .generated import generate_freed_times, generate_requests

REPORTS = reverse("admin:appointments_reports")
REPORTS_CSV = reverse("admin:appointments_reports_csv")


# --- a straightforward computation of what the report must say -----------------------------


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


def clinic_date(moment):
    return moment.astimezone(CLINIC_ZONE).date()


def p90(values):
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]


def as_hours(seconds):
    return str(round(seconds / 3600, 1))


def expected_figures(rows, start, end, office=None):
    """{(figure, week or range, group): value as the CSV writes it}, computed row by row."""
    offices = [office] if office else list(Location.objects.order_by("display_order", "name"))
    chosen = [
        row
        for row in rows
        if start <= clinic_date(row.created_at) <= end and (office is None or row.location_id == office.pk)
    ]
    weeks = []
    week = monday(start)
    while week <= end:
        weeks.append(week)
        week += datetime.timedelta(days=7)
    whole = f"{start.isoformat()} to {end.isoformat()}"
    figures = {}
    by_week = collections.defaultdict(list)
    for row in chosen:
        by_week[monday(clinic_date(row.created_at))].append(row)

    def waits(group):
        contacted = [row for row in group if row.first_contacted_at]
        seconds = sorted(row.business_seconds_to_contact for row in contacted)
        within = sum(1 for row in contacted if row.contacted_within_business_day)
        return contacted, seconds, within

    for week in weeks:
        day = week.isoformat()
        group = by_week[week]
        for each in offices:
            figures["Requests received", day, each.name] = str(sum(1 for row in group if row.location_id == each.pk))
        figures["Requests received", day, "All offices shown"] = str(len(group))
        contacted, seconds, within = waits(group)
        figures["First contacted", day, ""] = str(len(contacted))
        figures["Contacted within one business day", day, ""] = str(within)
        figures["Median business hours to first contact", day, ""] = (
            as_hours(statistics.median(seconds)) if seconds else ""
        )
        figures["90th percentile business hours to first contact", day, ""] = as_hours(p90(seconds)) if seconds else ""
    contacted, seconds, within = waits(chosen)
    figures["Requests received", whole, "All offices shown"] = str(len(chosen))
    figures["First contacted", whole, ""] = str(len(contacted))
    figures["Contacted within one business day", whole, ""] = str(within)
    figures["Share contacted within one business day (%)", whole, ""] = (
        str(round(100 * within / len(contacted), 1)) if contacted else ""
    )
    figures["Median business hours to first contact", whole, ""] = (
        as_hours(statistics.median(seconds)) if seconds else ""
    )
    figures["90th percentile business hours to first contact", whole, ""] = as_hours(p90(seconds)) if seconds else ""
    statuses = collections.Counter((row.status, row.closing_reason) for row in chosen)
    figures["Outcome", whole, "Scheduled"] = str(statuses[Status.SCHEDULED, ""])
    for value, label in ClosingReason.choices:
        figures["Outcome", whole, f"Closed: {label}"] = str(statuses[Status.CLOSED, value])
    figures["Outcome", whole, "Still open (new or contacted)"] = str(
        statuses[Status.NEW, ""] + statuses[Status.CONTACTED, ""]
    )
    figures["Outcome", whole, "Visit cancelled"] = str(statuses[Status.VISIT_CANCELLED, ""])
    figures["Outcome", whole, "of which cancelled by the patient (link or phone)"] = str(
        sum(
            row.status == Status.VISIT_CANCELLED
            and (row.patient_choice == PatientChoice.CANCELLED or row.cancelled_by == "patient")
            for row in chosen
        )
    )
    handlers = collections.Counter(row.handled_by.username for row in chosen if row.handled_by)
    for username, count in sorted(handlers.items(), key=lambda item: (-item[1], item[0])):
        figures["Requests handled", whole, username] = str(count)
    for title, name, choices in [
        ("Reason for visit", "reason", Reason.choices),
        ("New or returning patient", "patient_kind", PatientKind.choices),
        ("Call-back language", "callback_language", LANGUAGE_CHOICES),
        ("Site language", "language", LANGUAGE_CHOICES),
    ]:
        counted = collections.Counter(getattr(row, name) for row in chosen)
        for value, label in choices:
            # The admin is in English, whatever an earlier test left active in this thread.
            with translation.override("en"):
                figures[title, whole, str(label)] = str(counted[value])
    # Pre-visit packets: visits still booked in the range, by the visit's week and office (the
    # generated requests have no packet; tests/packets/test_admin_reports.py counts some).
    booked = [
        row
        for row in rows
        if row.visit_is_on
        and start <= clinic_date(row.visit_at) <= end
        and (office is None or row.visit_office_id == office.pk)
    ]
    for week in weeks:
        for each in offices:
            count = sum(
                1 for row in booked if monday(clinic_date(row.visit_at)) == week and row.visit_office_id == each.pk
            )
            figures["Visits booked (week of the visit)", week.isoformat(), each.name] = str(count)
            figures["Visits with a complete pre-visit packet", week.isoformat(), each.name] = "0"
            figures["Share of visits with a complete pre-visit packet (%)", week.isoformat(), each.name] = (
                "0.0" if count else ""
            )
    due = [row for row in chosen if row.estimate_due_on]
    sent_on = {row.pk: clinic_date(row.estimate_sent_at) for row in due if row.estimate_sent_at}
    figures["Good Faith Estimates", whole, "Due"] = str(len(due))
    figures["Good Faith Estimates", whole, "Sent on time"] = str(
        sum(1 for row in due if row.pk in sent_on and sent_on[row.pk] <= row.estimate_due_on)
    )
    figures["Good Faith Estimates", whole, "Late (sent late or still unsent)"] = str(
        sum(
            1
            for row in due
            if (sent_on[row.pk] > row.estimate_due_on if row.pk in sent_on else row.estimate_due_on < TODAY)
        )
    )
    figures.update(expected_waitlist_figures(start, end, offices, weeks, whole))
    return figures


def expected_waitlist_figures(start, end, offices, weeks, whole):
    """The waitlist's figures from the freed times and their offers, one by one."""
    offers = collections.Counter(WaitlistOffer.objects.values_list("freed_time", flat=True))
    times = [
        time
        for time in FreedTime.objects.all()
        if start <= clinic_date(time.freed_at) <= end and time.office_id in {each.pk for each in offices}
    ]

    def group_figures(group):
        waits = [(time.claimed_at - time.freed_at).total_seconds() for time in group if time.claimed_by_id]
        return {
            "Waitlist: times freed": str(len(group)),
            "Waitlist: times offered": str(sum(1 for time in group if offers[time.pk])),
            "Waitlist: offers sent": str(sum(offers[time.pk] for time in group)),
            "Waitlist: times refilled": str(len(waits)),
            "Waitlist: median hours from freed to refilled": as_hours(statistics.median(waits)) if waits else "",
        }

    figures = {}
    groups = [
        (
            week.isoformat(),
            each.name,
            [t for t in times if monday(clinic_date(t.freed_at)) == week and t.office == each],
        )
        for week in weeks
        for each in offices
    ]
    groups += [(whole, each.name, [time for time in times if time.office_id == each.pk]) for each in offices]
    groups.append((whole, "All offices shown", times))
    for week, group, members in groups:
        for figure, value in group_figures(members).items():
            figures[figure, week, group] = value
    return figures


def csv_figures(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert next(reader) == ["Figure", "Week starting", "Group", "Value"]
    figures = {}
    for figure, week, group, value in reader:
        assert (figure, week, group) not in figures
        figures[figure, week, group] = value
    return figures


class Tables(HTMLParser):
    """Every table on a page by its caption, as rows of cell texts."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.caption, self.rows, self.cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.caption = ""
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.rows = self.tables[" ".join(self.caption.split())] = []
            self.caption = None
        elif tag in ("td", "th"):
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.caption is not None:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def page_tables(response):
    assert response.status_code == 200
    return Tables(response.content.decode()).tables


def week_label(day):
    return date_format(day, "M j, Y")


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def history(db):
    requests = generate_requests(3000)
    generate_freed_times(400, requests)
    return requests


@pytest.fixture
def superuser_client(client, django_user_model):
    staff_login(client, django_user_model.objects.create_superuser("boss", password="unused-in-tests-0"))
    return client


# --- the figures -------------------------------------------------------------------------------


def last_weeks(weeks):
    return monday(TODAY) - datetime.timedelta(weeks=weeks - 1), TODAY


def test_the_figures_on_the_page_and_in_the_csv_equal_a_plain_computation(history, front_desk_client):
    dean_martin = Location.objects.get(slug="dean-martin")
    cases = [
        ("", *last_weeks(12), None),
        ("weeks=4", *last_weeks(4), None),
        ("weeks=52", *last_weeks(52), None),
        (f"weeks=52&office={dean_martin.pk}", *last_weeks(52), dean_martin),
        # A custom range starting mid-week, over a spring-forward change.
        ("start=2026-02-25&end=2026-04-10", datetime.date(2026, 2, 25), datetime.date(2026, 4, 10), None),
    ]
    for query, start, end, office in cases:
        expected = expected_figures(history, start, end, office)
        assert expected["Requests received", f"{start} to {end}", "All offices shown"] != "0"
        assert csv_figures(front_desk_client.get(f"{REPORTS_CSV}?{query}")) == expected, query

        tables = page_tables(front_desk_client.get(f"{REPORTS}?{query}"))
        offices = [office] if office else list(Location.objects.order_by("display_order", "name"))
        intake = tables["Requests received per week, by office"]
        assert intake[0] == ["Week of", *[each.name for each in offices], "Total"]
        weeks = [
            datetime.date.fromisoformat(key[1])
            for key in expected
            if key[0] == "First contacted" and " to " not in key[1]
        ]
        assert intake[1:-1] == [
            [week_label(week)]
            + [expected["Requests received", week.isoformat(), each.name] for each in offices]
            + [expected["Requests received", week.isoformat(), "All offices shown"]]
            for week in weeks
        ]
        waits = tables["Business hours to first contact, per week received"]
        assert waits[1:] == [
            [
                week_label(week),
                expected["First contacted", week.isoformat(), ""],
                expected["Median business hours to first contact", week.isoformat(), ""] or "—",
                expected["90th percentile business hours to first contact", week.isoformat(), ""] or "—",
                expected["Contacted within one business day", week.isoformat(), ""],
            ]
            for week in weeks
        ]
        whole = f"{start} to {end}"
        outcomes = tables["Where the requests received in this range stand now"]
        assert outcomes[1:-1] == [
            [group, value] for (figure, _w, group), value in expected.items() if figure == "Outcome"
        ]
        estimates = tables[
            "Estimates for patients who pay for themselves (or asked), among the requests received in this range"
        ]
        assert [value for _label, value in estimates[1:]] == [
            expected["Good Faith Estimates", whole, label]
            for label in ("Due", "Sent on time", "Late (sent late or still unsent)")
        ]
        assert int(expected["Good Faith Estimates", whole, "Due"]) > 0
        # The outcomes add up to the requests received ("of which" lines are shares, not outcomes).
        assert outcomes[-1] == ["Requests received", expected["Requests received", whole, "All offices shown"]]
        assert tables["Reason for visit"][1:] == [
            [group, value]
            for (figure, week, group), value in expected.items()
            if figure == "Reason for visit" and week == whole
        ]
        # The waitlist: a row per week and office where a time was freed, then the range's totals.
        refills = tables["Freed times per week and office: offered and refilled"]

        def row_of(week, group, expected=expected):
            return [expected[label, week, group] or "—" for label, _name in WAITLIST_FIGURES]

        freed_weeks = [
            (week, each)
            for week in weeks
            for each in offices
            if expected["Waitlist: times freed", week.isoformat(), each.name] != "0"
        ]
        assert len(freed_weeks) > 1 and int(expected["Waitlist: times refilled", whole, "All offices shown"]) > 1
        totals = [["All weeks", each.name, *row_of(whole, each.name)] for each in offices]
        if len(offices) > 1:
            totals.append(["All weeks", "All offices", *row_of(whole, "All offices shown")])
        assert (
            refills[1:]
            == [[week_label(week), each.name, *row_of(week.isoformat(), each.name)] for week, each in freed_weeks]
            + totals
        )


def test_the_query_count_does_not_grow_with_the_requests(front_desk_client):
    views = [f"{path}?{query}" for path in (REPORTS, REPORTS_CSV) for query in ("", "weeks=52")]

    def queries_of_each_view():
        counted = {}
        for url in views:
            with CaptureQueriesContext(connection) as queries:
                assert front_desk_client.get(url).status_code == 200
            counted[url] = [query["sql"] for query in queries.captured_queries]
        return counted

    generate_requests(10, seed=1)
    few = queries_of_each_view()
    generate_requests(4990, seed=2)
    assert AppointmentRequest.objects.count() == 5000
    many = queries_of_each_view()
    for url in views:
        assert len(many[url]) == len(few[url]), url
        # Every count by week and office in one scan, then the waits' percentiles by week (and
        # over the range, on PostgreSQL), then the Good Faith Estimates' three counts: never a
        # query per week or per office.
        on_requests = [sql for sql in many[url] if "appointments_appointmentrequest" in sql]
        # Plus who handled them, plus the booked visits with a complete packet; the page computes
        # the period before as well, for its headline.
        one_report = (4 if connection.vendor == "postgresql" else 3) + 2
        assert len(on_requests) == (one_report if "csv" in url else 2 * one_report), on_requests


# --- who may see it, and what it never shows --------------------------------------------------


@pytest.mark.parametrize("path", [REPORTS, REPORTS_CSV])
def test_editors_get_403(editor_client, path):
    assert editor_client.get(path).status_code == 403


@pytest.mark.parametrize("path", [REPORTS, REPORTS_CSV])
def test_the_front_desk_and_superusers_get_the_reports(front_desk_client, superuser_client, path):
    assert front_desk_client.get(path).status_code == 200
    assert superuser_client.get(path).status_code == 200


@pytest.mark.parametrize("path", [REPORTS, REPORTS_CSV])
def test_signed_out_visitors_are_sent_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_index_links_the_reports_for_the_front_desk_only(front_desk_client):
    assert REPORTS in front_desk_client.get(reverse("admin:index")).content.decode()
    editor = Client()
    staff_login(editor, StaffFactory(username="editor", groups=["Editors"]))
    assert REPORTS not in editor.get(reverse("admin:index")).content.decode()


def test_the_page_and_csv_identify_no_patient_and_leave_no_access_record(history, front_desk_client):
    contents = [
        front_desk_client.get(f"{path}?{query}").content.decode("utf-8-sig")
        for path in (REPORTS, REPORTS_CSV)
        for query in ("", "weeks=52")
    ]
    for row in history:
        for text in (
            row.reference,
            row.display_reference,
            row.first_name,
            row.last_name,
            row.phone.as_e164[2:],
            row.phone_display,
        ):
            assert not any(text in content for content in contents), text
    # Reads of requests name their reference; sign-ins do not.
    assert not AccessRecord.objects.exclude(reference="").exists()


def test_the_csv_is_formula_safe(front_desk_client):
    Location.objects.filter(slug="dean-martin").update(name='=HYPERLINK("http://evil.test")')
    rows = list(csv.reader(io.StringIO(front_desk_client.get(REPORTS_CSV).content.decode("utf-8-sig"))))
    groups = {row[2] for row in rows}
    assert '\'=HYPERLINK("http://evil.test")' in groups
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-05-01&end=2026-04-01", "The start date must be on or before the end date."),
        ("start=2026-05-01", "Give both dates of a custom range, or neither."),
        ("start=2023-01-01&end=2026-01-01", "Choose a range of at most two years."),
        ("start=yesterday&end=2026-01-01", "Enter a valid date."),
        ("weeks=7", "Select a valid choice."),
        ("office=999999", "Select a valid choice."),
        ("start=9999-12-01&end=9999-12-31", "Choose a date from 2000 to 2099."),
        ("start=0001-01-01&end=0001-01-31", "Choose a date from 2000 to 2099."),
    ],
)
@pytest.mark.parametrize("path", [REPORTS, REPORTS_CSV])
def test_bad_ranges_get_a_clear_message_and_400(front_desk_client, path, query, message):
    response = front_desk_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("path", [REPORTS, REPORTS_CSV])
def test_a_control_character_in_the_query_is_ignored_not_an_error(front_desk_client, path):
    # The site drops query values with control characters before any view reads them.
    assert front_desk_client.get(f"{path}?office=%00").status_code == 200


# --- the wait, stamped at the first contact ----------------------------------------------------


def test_the_first_contact_stamps_the_business_wait_once(medical_center):
    friday_evening = datetime.datetime(2026, 5, 8, 16, 55, tzinfo=CLINIC_ZONE)
    request = make_request(medical_center, received=friday_evening)
    with time_machine.travel(datetime.datetime(2026, 5, 11, 8, 5, tzinfo=CLINIC_ZONE), tick=False):
        request.status = Status.CONTACTED
        request.save()
    request.refresh_from_db()
    assert (request.business_seconds_to_contact, request.contacted_within_business_day) == (600, True)
    with time_machine.travel(datetime.datetime(2026, 5, 20, 9, tzinfo=CLINIC_ZONE), tick=False):
        request.status = Status.SCHEDULED
        request.save()
    request.refresh_from_db()
    assert request.business_seconds_to_contact == 600


def test_a_contact_after_a_whole_business_day_is_not_within_one(medical_center):
    request = make_request(medical_center, received=datetime.datetime(2026, 5, 11, 9, tzinfo=CLINIC_ZONE))
    with time_machine.travel(datetime.datetime(2026, 5, 12, 9, 30, tzinfo=CLINIC_ZONE), tick=False):
        request.status = Status.CONTACTED
        request.save()
    request.refresh_from_db()
    assert (request.business_seconds_to_contact, request.contacted_within_business_day) == (9.5 * 3600, False)


def test_closing_without_a_contact_stamps_no_wait(medical_center):
    request = make_request(medical_center)
    request.status, request.closing_reason = Status.CLOSED, ClosingReason.NOT_GENUINE
    request.save()
    request.refresh_from_db()
    assert (request.business_seconds_to_contact, request.contacted_within_business_day) == (None, None)


def test_the_migration_backfills_requests_contacted_before_it(dean_martin):
    request = make_request(dean_martin, received=datetime.datetime(2026, 5, 11, 9, tzinfo=CLINIC_ZONE))
    untouched = make_request(dean_martin)
    AppointmentRequest.objects.filter(pk=request.pk).update(
        status=Status.CONTACTED, first_contacted_at=datetime.datetime(2026, 5, 14, 14, 30, tzinfo=CLINIC_ZONE)
    )
    migration = importlib.import_module("appointments.migrations.0005_first_contact_wait")
    migration.backfill(django_apps, None)
    request.refresh_from_db()
    untouched.refresh_from_db()
    # Dean Martin's Thursday afternoon only; its by-appointment days count nothing.
    assert (request.business_seconds_to_contact, request.contacted_within_business_day) == (90 * 60, False)
    assert untouched.business_seconds_to_contact is None
