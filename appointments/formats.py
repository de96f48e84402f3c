"""How appointments write dates and times, for patients (in the active language) and staff."""

from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from locations.hours import format_time


def format_day(day):
    # Translators: Django date format for a preferred appointment date, e.g. "Thursday, December 3, 2026".
    return dateformat.format(day, pgettext("preferred date format", "l, F j, Y"))


def visit_date_and_time(moment):
    """The visit's day and time as a patient reads them, on the clinic's clock."""
    local = timezone.localtime(moment)
    return {"date": format_day(local.date()), "time": format_time(local.time())}


def clinic_datetime(moment):
    """A moment as staff read it in admin and the export, on the clinic's clock."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""
