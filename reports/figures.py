"""The front desk's reports: intake, time to first contact and outcomes, as aggregate figures.

Nothing here reads a patient's answers or identifies a patient: every figure is a count or a
percentile over many requests, so opening the reports is not an access to patient data and
leaves no access record. The figures come from a fixed number of aggregate queries,
whatever the range or the number of requests: counts grouped by week and office in the
database, and percentiles of the stored business-time wait (`business_seconds_to_contact`)
with PostgreSQL's percentile_cont; SQLite has no percentile, so there the waits alone are
fetched and the percentiles taken in Python.

Weeks run Monday to Sunday on the clinic's clock; a request counts in the week it was received,
and so does its wait and its outcome.

The waitlist's figures (waitlist_figures) count freed times (appointments.FreedTime) in the week
they were freed, at the office of the time: freed, offered (to at least one patient), offers
sent, refilled (claimed through an offer; a time given by phone is not the waitlist's refill),
and the median time from freed to claimed. Two queries on SQLite (the counts; the claimed
rows' two moments, the medians taken here), four on PostgreSQL (the counts, then the median by
week and office, by office, and over the range), whatever the range or the number of times.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format

from appointments.good_faith_estimate import estimate_counts
from appointments.models import (
    LANGUAGE_CHOICES,
    AppointmentRequest,
    CancelledBy,
    ClosingReason,
    FreedTime,
    PatientChoice,
    PatientKind,
    Reason,
    Status,
)
from core.date_limits import IN_RANGE
from core.percentiles import PercentileCont, has_percentile_cont, percentile
from locations.models import Location
from packets.models import Packet

from . import charts

logger = logging.getLogger(__name__)

PRESET_WEEKS = (4, 12, 52)
DEFAULT_WEEKS = 12
# Longer ranges make charts of unreadable slivers; the CSV of two years is still small.
MAX_RANGE_DAYS = 2 * 366
HOUR = 3600


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def clinic_midnight(day):
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=timezone.get_default_timezone())


# --- the range ----------------------------------------------------------------------------


class ReportForm(forms.Form):
    """The range (a preset number of weeks, or two dates) and the office. All optional: the
    default is the last 12 weeks, this one included, at every office."""

    weeks = forms.TypedChoiceField(
        label="Weeks", choices=[(n, f"Last {n} weeks") for n in PRESET_WEEKS], coerce=int, required=False
    )
    start = forms.DateField(
        label="From", required=False, validators=IN_RANGE, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, validators=IN_RANGE, widget=forms.DateInput(attrs={"type": "date"})
    )
    office = forms.ModelChoiceField(
        label="Office", queryset=Location.objects.order_by("display_order", "name"), required=False,
        empty_label="All offices",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if bool(start) != bool(end):
            raise forms.ValidationError("Give both dates of a custom range, or neither.")
        if start and end:
            if start > end:
                raise forms.ValidationError("The start date must be on or before the end date.")
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError("Choose a range of at most two years.")
        else:
            weeks = data.get("weeks") or DEFAULT_WEEKS
            data["end"] = timezone.localdate()
            data["start"] = week_start(data["end"]) - datetime.timedelta(weeks=weeks - 1)
        return data


# --- the figures --------------------------------------------------------------------------


class InHours:
    """The waits in business hours, one decimal, as the page and CSV show them."""

    @property
    def median_hours(self):
        return hours(self.median_seconds)

    @property
    def p90_hours(self):
        return hours(self.p90_seconds)


@dataclass
class Week(InHours):
    start: datetime.date
    by_office: list  # received, one count per office in Report.offices order
    contacted: int = 0
    within_business_day: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None

    @property
    def received(self):
        return sum(self.by_office)

    @property
    def label(self):
        return date_format(self.start, "M j, Y")


@dataclass
class Report(InHours):
    start: datetime.date
    end: datetime.date
    offices: list
    weeks: list
    received: int = 0
    contacted: int = 0
    within_business_day: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None
    # (label, count, part): a part ("of which ...") is a share of the line above it, so the
    # other lines add up to the requests received, each request counted once, where it stands now.
    outcomes: list = field(default_factory=list)
    breakdowns: list = field(default_factory=list)  # (title, [(label, count)])
    estimates: dict = field(default_factory=dict)  # Good Faith Estimates: due, on_time, late
    waitlist: "WaitlistFigures" = None
    booked: int = 0  # scheduled now, or closed as booked
    handled_by: list = field(default_factory=list)  # (staff member, requests they last moved)
    packet_weeks: list = field(default_factory=list)  # PacketWeek, by the visit's week

    @property
    def outcomes_total(self):
        return sum(count for _label, count, part in self.outcomes if not part)

    @property
    def within_business_day_share(self):
        return share(self.within_business_day, self.contacted)

    @property
    def received_by_office(self):
        return [sum(week.by_office[index] for week in self.weeks) for index in range(len(self.offices))]


def share(part, whole):
    """A percentage with one decimal, or None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def hours(seconds):
    return None if seconds is None else round(seconds / HOUR, 1)


def build_report(start, end, office=None):
    """The figures for requests received from `start` to `end` (clinic dates, both included),
    at one office or all: four queries on PostgreSQL, three on SQLite, whatever the range."""
    offices = [office] if office else list(Location.objects.order_by("display_order", "name"))
    received = AppointmentRequest.objects.filter(
        created_at__gte=clinic_midnight(start), created_at__lt=clinic_midnight(end + datetime.timedelta(days=1))
    )
    if office:
        received = received.filter(location=office)
    received = received.order_by()

    mondays = []
    monday = week_start(start)
    while monday <= end:
        mondays.append(monday)
        monday += datetime.timedelta(weeks=1)
    week, week_of = _week_expression(mondays)
    weeks = {monday: Week(start=monday, by_office=[0] * len(offices)) for monday in mondays}
    report = Report(start=start, end=end, offices=offices, weeks=list(weeks.values()))

    # One scan for every count: per week and office, summed here for the weeks and the range.
    column = {office.pk: index for index, office in enumerate(offices)}
    totals = dict.fromkeys(COUNTS, 0)
    for row in received.values("location_id", week=week).annotate(**COUNTS):
        target = weeks[week_of[row["week"]]]
        if row["location_id"] in column:
            target.by_office[column[row["location_id"]]] = row["received"]
        target.contacted += row["contacted"]
        target.within_business_day += row["within"]
        for name in COUNTS:
            totals[name] += row[name]
    _set_counts(report, totals)
    _add_percentiles(report, weeks, week_of, received.filter(business_seconds_to_contact__isnull=False), week)
    report.estimates = estimate_counts(received)
    report.waitlist = waitlist_figures(start, end, offices, mondays, office)
    handled = received.filter(handled_by__isnull=False).values_list("handled_by__username").annotate(n=Count("pk"))
    report.handled_by = sorted(handled, key=lambda row: (-row[1], row[0]))
    report.packet_weeks = packet_weeks(start, end, offices, mondays)
    return report


# --- pre-visit packets ----------------------------------------------------------------------------


@dataclass
class PacketWeek:
    """Booked visits in one week (by the visit's day, not the request's) and how many of them
    came with a complete pre-visit packet, per office in Report.offices order."""

    start: datetime.date
    booked: list
    complete: list

    @property
    def label(self):
        return date_format(self.start, "M j, Y")

    @property
    def by_office(self):
        """(booked, complete, share %) per office."""
        return [(b, c, share(c, b)) for b, c in zip(self.booked, self.complete, strict=True)]

    @property
    def share(self):
        return share(sum(self.complete), sum(self.booked))


def packet_weeks(start, end, offices, mondays):
    """Visits still booked from `start` to `end` (clinic dates, both included) per week and office,
    and those with a complete packet: one query. A purged packet still counts as complete."""
    visits = AppointmentRequest.objects.filter(
        AppointmentRequest.objects.visit_stands_condition(),
        visit_at__gte=clinic_midnight(start),
        visit_at__lt=clinic_midnight(end + datetime.timedelta(days=1)),
        visit_office__in=offices,
    ).order_by()
    week = TruncWeek("visit_at", tzinfo=timezone.get_default_timezone(), output_field=DateField())
    column = {office.pk: index for index, office in enumerate(offices)}
    weeks = {monday: PacketWeek(monday, [0] * len(offices), [0] * len(offices)) for monday in mondays}
    complete = Count("pk", filter=Q(packet__status=Packet.Status.COMPLETE))
    for row in visits.values("visit_office_id", week=week).annotate(booked=Count("pk"), complete=complete):
        target = weeks[row["week"]]
        target.booked[column[row["visit_office_id"]]] = row["booked"]
        target.complete[column[row["visit_office_id"]]] = row["complete"]
    return list(weeks.values())


def previous_range(start, end):
    """The range of the same length just before [start, end]."""
    length = end - start + datetime.timedelta(days=1)
    return start - length, start - datetime.timedelta(days=1)


def headline(report, previous):
    """The four figures the page leads with, each beside the previous period's:
    [(label, now, before)], as text."""

    def hours_text(value):
        return "—" if value is None else f"{value:g} h"

    def share_text(value):
        return "—" if value is None else f"{value:g}%"

    return [
        ("Requests received", str(report.received), str(previous.received)),
        (
            "Contacted within one business day",
            share_text(report.within_business_day_share),
            share_text(previous.within_business_day_share),
        ),
        (
            "Median wait for a first contact (business hours)",
            hours_text(report.median_hours),
            hours_text(previous.median_hours),
        ),
        ("Visits booked", str(report.booked), str(previous.booked)),
    ]


def _week_expression(mondays, moment="created_at"):
    """What the queries group by for "the week received" (or of another `moment`), and each
    value's Monday.

    On PostgreSQL, the week's number among the range's Mondays at midnight (clinic time, worked
    out here, daylight saving included): a binary search per row, where truncating each row's
    time in the clinic's zone costs twice the whole scan. Elsewhere, Django's TruncWeek."""
    if connection.vendor == "postgresql":
        bounds = [clinic_midnight(monday) for monday in mondays]
        expression = Func(F(moment), Value(bounds), function="WIDTH_BUCKET", output_field=IntegerField())
        return expression, dict(enumerate(mondays, start=1))
    expression = TruncWeek(moment, tzinfo=timezone.get_default_timezone(), output_field=DateField())
    return expression, {monday: monday for monday in mondays}


def _add_percentiles(report, weeks, week_of, contacted, week):
    if has_percentile_cont():
        median = PercentileCont(0.5, "business_seconds_to_contact")
        p90 = PercentileCont(0.9, "business_seconds_to_contact")
        for row in contacted.values(week=week).annotate(median=median, p90=p90):
            _set_percentiles(weeks[week_of[row["week"]]], row["median"], row["p90"])
        total = contacted.aggregate(median=median, p90=p90)
        _set_percentiles(report, total["median"], total["p90"])
        return
    by_week = {}
    for key, seconds in contacted.values_list(week, "business_seconds_to_contact"):
        by_week.setdefault(week_of[key], []).append(seconds)
    for monday, waits in by_week.items():
        _set_percentiles(weeks[monday], *_percentiles(sorted(waits)))
    _set_percentiles(report, *_percentiles(sorted(seconds for waits in by_week.values() for seconds in waits)))


def _percentiles(sorted_seconds):
    return percentile(sorted_seconds, 0.5), percentile(sorted_seconds, 0.9)


def _set_percentiles(target, median, p90):
    target.median_seconds, target.p90_seconds = median, p90


# --- the waitlist ---------------------------------------------------------------------------


@dataclass
class Refills:
    """One group's freed times: how many, offered, offers sent, refilled, and the median wait
    from freed to refilled."""

    freed: int = 0
    offered: int = 0
    offers: int = 0
    refilled: int = 0
    median_seconds: float | None = None

    @property
    def median_hours(self):
        return hours(self.median_seconds)

    def add(self, other):
        self.freed += other.freed
        self.offered += other.offered
        self.offers += other.offers
        self.refilled += other.refilled


@dataclass
class WaitlistFigures:
    offices: list
    weeks: list  # Mondays
    cells: dict  # (Monday, office pk) -> Refills
    by_office: dict  # office pk -> Refills, over the range
    total: Refills

    def cell(self, monday, office):
        return self.cells[monday, office.pk]

    @property
    def rows(self):
        """(Monday, office, Refills) of the weeks and offices where a time was freed."""
        return [
            (monday, office, self.cell(monday, office))
            for monday in self.weeks
            for office in self.offices
            if self.cell(monday, office).freed
        ]

    @property
    def office_totals(self):
        return [(office, self.by_office[office.pk]) for office in self.offices]


class EpochSeconds(Func):
    """An interval in seconds (PostgreSQL): percentile_cont wants a number."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


REFILL_WAIT = ExpressionWrapper(F("claimed_at") - F("freed_at"), output_field=DurationField())
REFILL_COUNTS = {
    # One row per offer (the join): the times themselves counted once each.
    "freed": Count("pk", distinct=True),
    "offered": Count("pk", distinct=True, filter=Q(offers__isnull=False)),
    "offers": Count("offers"),
    "refilled": Count("pk", distinct=True, filter=Q(claimed_by__isnull=False)),
}


def waitlist_figures(start, end, offices, mondays, office=None):
    """The freed times of `start` to `end` (clinic dates, both included) by week freed and office."""
    freed = FreedTime.objects.filter(
        freed_at__gte=clinic_midnight(start), freed_at__lt=clinic_midnight(end + datetime.timedelta(days=1))
    )
    if office:
        freed = freed.filter(office=office)
    freed = freed.order_by()
    week, week_of = _week_expression(mondays, "freed_at")
    figures = WaitlistFigures(
        offices=offices,
        weeks=mondays,
        cells={(monday, each.pk): Refills() for monday in mondays for each in offices},
        by_office={each.pk: Refills() for each in offices},
        total=Refills(),
    )
    for row in freed.values("office_id", week=week).annotate(**REFILL_COUNTS):
        counts = Refills(row["freed"], row["offered"], row["offers"], row["refilled"])
        figures.cells[week_of[row["week"]], row["office_id"]].add(counts)
        figures.by_office[row["office_id"]].add(counts)
        figures.total.add(counts)
    refilled = freed.filter(claimed_by__isnull=False)
    if has_percentile_cont():
        median = PercentileCont(0.5, EpochSeconds(REFILL_WAIT))
        for row in refilled.values("office_id", week=week).annotate(median=median):
            figures.cells[week_of[row["week"]], row["office_id"]].median_seconds = row["median"]
        for row in refilled.values("office_id").annotate(median=median):
            figures.by_office[row["office_id"]].median_seconds = row["median"]
        figures.total.median_seconds = refilled.aggregate(median=median)["median"]
        return figures
    waits = {}
    for key, office_id, freed_at, claimed_at in refilled.values_list(week, "office_id", "freed_at", "claimed_at"):
        waits.setdefault((week_of[key], office_id), []).append((claimed_at - freed_at).total_seconds())
    for (monday, office_id), seconds in waits.items():
        figures.cells[monday, office_id].median_seconds = percentile(sorted(seconds), 0.5)
    for office_id in figures.by_office:
        seconds = [wait for (_monday, each), group in waits.items() if each == office_id for wait in group]
        figures.by_office[office_id].median_seconds = percentile(sorted(seconds), 0.5)
    figures.total.median_seconds = percentile(sorted(wait for group in waits.values() for wait in group), 0.5)
    return figures


# What each breakdown groups by: (title, field, choices).
BREAKDOWNS = [
    ("Reason for visit", "reason", Reason.choices),
    ("New or returning patient", "patient_kind", PatientKind.choices),
    ("Call-back language", "callback_language", LANGUAGE_CHOICES),
    ("Site language", "language", LANGUAGE_CHOICES),
]
OPEN_STATUSES = [Status.NEW, Status.CONTACTED]
# Every count the report shows, taken per week and office in one query.
COUNTS = {
    "received": Count("pk"),
    "contacted": Count("pk", filter=Q(business_seconds_to_contact__isnull=False)),
    "within": Count("pk", filter=Q(business_seconds_to_contact__isnull=False, contacted_within_business_day=True)),
    "scheduled": Count("pk", filter=Q(status=Status.SCHEDULED)),
    "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    "visit_cancelled": Count("pk", filter=Q(status=Status.VISIT_CANCELLED)),
    # The patient's own cancellations still standing: through their link, or by phone as staff
    # marked it. One the front desk later closed counts under its closing reason only.
    "patient_cancelled": Count(
        "pk",
        filter=Q(status=Status.VISIT_CANCELLED)
        & (Q(patient_choice=PatientChoice.CANCELLED) | Q(cancelled_by=CancelledBy.PATIENT)),
    ),
    **{
        f"closed_{value}": Count("pk", filter=Q(status=Status.CLOSED, closing_reason=value))
        for value, _label in ClosingReason.choices
    },
    **{
        f"{name}_{value}": Count("pk", filter=Q(**{name: value}))
        for _title, name, choices in BREAKDOWNS
        for value, _label in choices
    },
}


def _set_counts(report, figures):
    """The range's totals, outcomes and breakdowns from the summed counts."""
    report.received = figures["received"]
    report.contacted, report.within_business_day = figures["contacted"], figures["within"]
    report.outcomes = [
        ("Scheduled", figures["scheduled"], False),
        *((f"Closed: {label}", figures[f"closed_{value}"], False) for value, label in ClosingReason.choices),
        ("Still open (new or contacted)", figures["open"], False),
        ("Visit cancelled", figures["visit_cancelled"], False),
        ("of which cancelled by the patient (link or phone)", figures["patient_cancelled"], True),
    ]
    report.booked = figures["scheduled"] + figures[f"closed_{ClosingReason.BOOKED}"]
    report.breakdowns = [
        (title, [(str(label), figures[f"{name}_{value}"]) for value, label in choices])
        for title, name, choices in BREAKDOWNS
    ]


# --- the CSV ------------------------------------------------------------------------------

CSV_HEADER = ["Figure", "Week starting", "Group", "Value"]
ESTIMATE_FIGURES = [("Due", "due"), ("Sent on time", "on_time"), ("Late (sent late or still unsent)", "late")]


def csv_rows(report):
    """The report's figures, one a row: aggregated numbers only, never a patient's data."""
    whole = f"{report.start.isoformat()} to {report.end.isoformat()}"
    for week in report.weeks:
        for office, count in zip(report.offices, week.by_office, strict=True):
            yield ["Requests received", week.start.isoformat(), office.name, count]
    for week in report.weeks:
        day = week.start.isoformat()
        yield ["Requests received", day, "All offices shown", week.received]
        yield ["First contacted", day, "", week.contacted]
        yield ["Contacted within one business day", day, "", week.within_business_day]
        yield ["Median business hours to first contact", day, "", _blank(week.median_hours)]
        yield ["90th percentile business hours to first contact", day, "", _blank(week.p90_hours)]
    yield ["Requests received", whole, "All offices shown", report.received]
    yield ["First contacted", whole, "", report.contacted]
    yield ["Contacted within one business day", whole, "", report.within_business_day]
    yield ["Share contacted within one business day (%)", whole, "", _blank(report.within_business_day_share)]
    yield ["Median business hours to first contact", whole, "", _blank(report.median_hours)]
    yield ["90th percentile business hours to first contact", whole, "", _blank(report.p90_hours)]
    for label, count, _part in report.outcomes:
        yield ["Outcome", whole, label, count]
    for username, count in report.handled_by:
        yield ["Requests handled", whole, username, count]
    for title, rows in report.breakdowns:
        for label, count in rows:
            yield [title, whole, label, count]
    for label, key in ESTIMATE_FIGURES:
        yield ["Good Faith Estimates", whole, label, report.estimates.get(key, 0)]
    for week in report.packet_weeks:
        for office, (booked, complete, percent) in zip(report.offices, week.by_office, strict=True):
            yield ["Visits booked (week of the visit)", week.start.isoformat(), office.name, booked]
            yield ["Visits with a complete pre-visit packet", week.start.isoformat(), office.name, complete]
            yield [
                "Share of visits with a complete pre-visit packet (%)",
                week.start.isoformat(),
                office.name,
                _blank(percent),
            ]
    yield from waitlist_csv_rows(report.waitlist, whole)


WAITLIST_FIGURES = [
    ("Waitlist: times freed", "freed"),
    ("Waitlist: times offered", "offered"),
    ("Waitlist: offers sent", "offers"),
    ("Waitlist: times refilled", "refilled"),
    ("Waitlist: median hours from freed to refilled", "median_hours"),
]


def waitlist_csv_rows(figures, whole):
    groups = [(monday.isoformat(), office.name, figures.cell(monday, office)) for monday in figures.weeks
              for office in figures.offices]  # fmt: skip
    groups += [(whole, office.name, refills) for office, refills in figures.office_totals]
    groups.append((whole, "All offices shown", figures.total))
    for label, name in WAITLIST_FIGURES:
        for week, group, refills in groups:
            yield [label, week, group, _blank(getattr(refills, name))]


def _blank(value):
    return "" if value is None else value


# --- the page's charts --------------------------------------------------------------------


def report_charts(report):
    """The two charts, each an inline SVG with its title and a text summary of what it shows."""
    labels = [date_format(week.start, "M j") for week in report.weeks]
    range_text = f"{date_format(report.start, 'M j, Y')} to {date_format(report.end, 'M j, Y')}"
    per_office = ", ".join(
        f"{office.name} {count}" for office, count in zip(report.offices, report.received_by_office, strict=True)
    )
    intake_summary = f"{report.received} requests received from {range_text} ({per_office})."
    busiest = max(report.weeks, key=lambda week: week.received, default=None)
    if busiest and busiest.received:
        intake_summary += f" Busiest week: the week of {busiest.label}, with {busiest.received}."
    if report.contacted:
        wait_summary = (
            f"{report.contacted} of these requests were contacted. Median wait {report.median_hours} "
            f"business hours, 90th percentile {report.p90_hours} business hours; "
            f"{report.within_business_day_share}% contacted within one business day."
        )
    else:
        wait_summary = "No request received in this range has been contacted yet."
    return {
        "intake": charts.stacked_bars(
            "intake-chart",
            "Requests received per week, by office",
            intake_summary,
            "Requests",
            labels,
            [
                (office.name, [week.by_office[index] for week in report.weeks])
                for index, office in enumerate(report.offices)
            ],
        ),
        "intake_summary": intake_summary,
        "wait": charts.lines(
            "wait-chart",
            "Business hours to first contact, per week received: median and 90th percentile",
            wait_summary,
            "Business hours",
            labels,
            [
                ("Median", [week.median_hours for week in report.weeks]),
                ("90th percentile", [week.p90_hours for week in report.weeks]),
            ],
        ),
        "wait_summary": wait_summary,
    }
