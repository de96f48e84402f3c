"""The superusers' review of the access record: request views per staff member per day, with
days far above that person's usual count picked out, on a page and as CSV."""

import datetime
import statistics

from django import forms
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.date_limits import IN_RANGE
from core.spreadsheet import csv_response

from .models import AccessRecord

# A day is unusual when it has more than this many times the person's usual daily views...
UNUSUAL_FACTOR = 3
# ...where "usual" is the median of their days with views in this many days before it.
USUAL_WINDOW_DAYS = 30
DEFAULT_PERIOD_DAYS = 30
OPENED = [AccessRecord.Action.OPENED, AccessRecord.Action.HISTORY]
LISTED = [AccessRecord.Action.LISTED, AccessRecord.Action.SEARCHED]


class ReviewFilter(forms.Form):
    username = forms.ChoiceField(label="Staff member", required=False)
    start = forms.DateField(
        label="From", required=False, validators=IN_RANGE, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, validators=IN_RANGE, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = AccessRecord.objects.reads().order_by("username").values_list("username", flat=True).distinct()
        self.fields["username"].choices = [("", "Everyone"), *((name, name) for name in names)]

    def period(self):
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return data.get("username", ""), start, end


def daily_views(username, start, end):
    """One row per person and day in [start, end] (dates on the clinic's clock, TIME_ZONE), newest first."""
    earliest = start - datetime.timedelta(days=USUAL_WINDOW_DAYS)
    reads = AccessRecord.objects.reads().annotate(day=TruncDate("at"))
    reads = reads.filter(day__gte=earliest, day__lte=end)
    if username:
        reads = reads.filter(username=username)
    # A list page records each row it shows: counted apart from the requests opened one by one,
    # so a morning of lists (hundreds of rows) does not hide how many patients were opened.
    counts = reads.values("username", "day").annotate(
        views=Count("pk"),
        requests=Count("reference", distinct=True),
        opened=Count("pk", filter=Q(action__in=OPENED)),
        listed=Count("pk", filter=Q(action__in=LISTED)),
    )
    by_person = {}
    for row in counts:
        by_person.setdefault(row["username"], {})[row["day"]] = row
    rows = []
    for days in by_person.values():
        for day, row in days.items():
            if day < start:
                continue
            window_start = day - datetime.timedelta(days=USUAL_WINDOW_DAYS)
            before = [other["views"] for other_day, other in days.items() if window_start <= other_day < day]
            usual = statistics.median(before) if before else None
            rows.append({**row, "usual": usual, "unusual": usual is not None and row["views"] > UNUSUAL_FACTOR * usual})
    return sorted(rows, key=lambda row: (row["day"], row["username"]), reverse=True)


CSV_HEADER = ["Date", "Staff member", "Request views", "Different requests", "Opened", "List rows"]
CSV_HEADER += ["Usual daily views", "Unusual"]


def as_csv(rows, start, end):
    lines = (
        [
            row["day"].isoformat(),
            row["username"],
            row["views"],
            row["requests"],
            row["opened"],
            row["listed"],
            "" if row["usual"] is None else f"{row['usual']:g}",
            "yes" if row["unusual"] else "",
        ]
        for row in rows
    )
    return csv_response(f"access-review-{start}-{end}.csv", CSV_HEADER, lines)
