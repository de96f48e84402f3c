"""The office-hours rules: the one place that answers "is it open, and when does it open next?"

Every answer is in the clinic's own time zone, whatever the server process's TZ is: that is
settings.TIME_ZONE, and nothing activates another, so Django's timezone.localtime() and
localdate() are the clinic's clock. Hours rows hold wall-clock times in that zone.

The functions read `office.weekly_hours.all()` and `office.special_dates.all()` and filter
in Python, so a Location from `Location.objects.for_display()` (both prefetched) answers any
number of questions without another query. Note that `for_display()` prefetches only special
dates from today on: ask it about today and the future, not the past.

Where the data holds more than one kind of row on one day (admin validation prevents it), the
most cautious kind wins: closed, then by appointment, then open. Telling a patient to call is
better than sending them to a locked door.
"""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from .models import DayKind

# How far next_opening() looks ahead. An office closed longer than this is "Closed" with no date.
LOOKAHEAD_DAYS = 60
NOON = datetime.time(12)


@dataclass(frozen=True)
class DayHours:
    """One date's hours at one office, after special dates have been applied."""

    date: datetime.date
    kind: str  # a DayKind value
    intervals: tuple[tuple[datetime.time, datetime.time], ...] = ()  # sorted; () unless open
    note: str = ""  # the special date's note for patients, if any
    is_special: bool = False

    @property
    def is_open(self):
        return self.kind == DayKind.OPEN

    @property
    def is_by_appointment(self):
        return self.kind == DayKind.BY_APPOINTMENT

    @property
    def is_closed(self):
        return self.kind == DayKind.CLOSED

    # Whether a patient may ask to be seen in the morning, or the afternoon, of this day: an open
    # interval starts before noon (ends after noon); on a by-appointment day the front desk
    # arranges any time. Closed days take no requests at all (accepts_requests_on).
    @property
    def takes_mornings(self):
        return self.is_by_appointment or any(opens < NOON for opens, _closes in self.intervals)

    @property
    def takes_afternoons(self):
        return self.is_by_appointment or any(closes > NOON for _opens, closes in self.intervals)

    @property
    def text(self):
        """The day's hours as patients read them: "8:00 AM - 5:00 PM", "By appointment only", "Closed"."""
        if self.is_open:
            return ", ".join(
                gettext("%(opens)s - %(closes)s") % {"opens": format_time(opens), "closes": format_time(closes)}
                for opens, closes in self.intervals
            )
        return str(DayKind(self.kind).label)


@dataclass(frozen=True)
class OfficeStatus:
    """An office's state at one moment, and the line that tells patients about it."""

    state: str  # "open", "closed" or "by_appointment" (DayKind values)
    text: str  # e.g. "Open now, closes 5:00 PM", in the active language
    today: DayHours
    next_opening: datetime.datetime | None = None  # only for "closed"; aware, clinic zone

    @property
    def is_open(self):
        return self.state == DayKind.OPEN

    @property
    def is_by_appointment(self):
        return self.state == DayKind.BY_APPOINTMENT

    @property
    def is_closed(self):
        return self.state == DayKind.CLOSED


# Django's "a" format ("p.m.") reads its words through gettext, and a project catalogue
# overrides Django's own: marked here so the Spanish catalogue can give the spaced
# "a. m." / "p. m." of Spanish style, which Django's Spanish lacks.
# Translators: the words of Django's "a" time format, before and after noon (Spanish "a. m.", "p. m.").
MERIDIEM_WORDS = (gettext_noop("a.m."), gettext_noop("p.m."))


def format_time(value):
    """A time of day in the active language: "5:00 PM" in English, "5:00 p. m." in Spanish."""
    # Translators: a Django date format for times of day. English "g:i A" gives "5:00 PM";
    # Spanish "g:i a" gives "5:00 p. m.". See
    # https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
    return dateformat.time_format(value, pgettext("time of day format", "g:i A"))


def clock_hour(value):
    """The hour as a 12-hour clock shows it (1 to 12). Sentences naming a time are counted on
    it, so that languages can agree with the hour: Spanish says "a la 1:00" but "a las 5:00"."""
    return value.hour % 12 or 12


def hours_on(office, day):
    """The hours of `office` on the date `day`: a special date if one exists, else the weekly
    row(s) for that weekday; a day with no row at all is closed."""
    special_rows = _special_rows_on(office, day)
    if special_rows:
        note = " ".join(dict.fromkeys(row.localized_note for row in special_rows if row.localized_note))
        return _day_from_rows(day, special_rows, note=note, is_special=True)
    return regular_hours_on(office, day)


def _special_rows_on(office, day):
    return [row for row in office.special_dates.all() if row.date == day]


def regular_hours_on(office, day):
    """The weekly hours for `day`'s weekday, ignoring special dates."""
    return _day_from_rows(day, _weekly_rows_on(office, day))


def _weekly_rows_on(office, day):
    return [row for row in office.weekly_hours.all() if row.weekday == day.weekday()]


def _day_from_rows(day, rows, note="", is_special=False):
    kinds = {row.kind for row in rows}
    for cautious_kind in (DayKind.CLOSED, DayKind.BY_APPOINTMENT):
        if cautious_kind in kinds:
            return DayHours(date=day, kind=cautious_kind, note=note, is_special=is_special)
    intervals = tuple(
        sorted((row.opens, row.closes) for row in rows if row.opens is not None and row.closes is not None)
    )
    kind = DayKind.OPEN if intervals else DayKind.CLOSED
    return DayHours(date=day, kind=kind, intervals=intervals, note=note, is_special=is_special)


def business_seconds_between(office, start, end):
    """How much of the office's business time passed between two moments, in whole seconds.

    Business time is the office's open intervals on Monday to Friday, clinic wall clock, after
    special dates: a closure day counts nothing, a day with changed hours counts those hours,
    and a weekend counts nothing even where an office opens. "By appointment only" days count
    nothing either: they have no posted hours to count, so a Dean Martin request waits only
    through its Thursday afternoons. Reads all of the office's hours rows once (two queries
    unless prefetched), and only their fields, so a data migration's historical models work too.
    """
    prefetch_related_objects([office], "weekly_hours", "special_dates")
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = datetime.timedelta()
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            rows = _special_rows_on(office, day) or _weekly_rows_on(office, day)
            for opens, closes in _day_from_rows(day, rows).intervals:
                # In UTC: aware datetimes sharing one tzinfo subtract as wall clocks.
                counted_from = max(start, _wall_clock(day, opens)).astimezone(datetime.UTC)
                counted_to = min(end, _wall_clock(day, closes)).astimezone(datetime.UTC)
                total += max(counted_to - counted_from, datetime.timedelta())
        day += datetime.timedelta(days=1)
    return int(total.total_seconds())


def accepts_requests_on(office, day):
    """Whether a patient may ask for an appointment on `day`: open and by-appointment days, not
    closed days or closure dates. (Whether the office takes requests at all is
    `Location.accepts_requests`, checked separately.)"""
    return not hours_on(office, day).is_closed


def week_hours(office, today):
    """The seven days from `today` on (today first), for hours tables.

    The next seven days rather than the calendar week, so every row is a day a patient can
    still come, and upcoming closures (the only special dates prefetched) always show.
    """
    return [hours_on(office, today + datetime.timedelta(days=offset)) for offset in range(7)]


def upcoming_special_days(office, today):
    """The hours of every special date from `today` on, soonest first, one entry a date."""
    dates = sorted({row.date for row in office.special_dates.all() if row.date >= today})
    return [hours_on(office, day) for day in dates]


def _wall_clock(day, time):
    """The aware moment a wall-clock time on `day` happens in the clinic's zone.

    A time skipped by the spring-forward change is moved to the same distance past the gap,
    as clocks do.
    """
    naive_guess = datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())
    return timezone.localtime(naive_guess.astimezone(datetime.UTC))


def _open_interval_at(day_hours, moment):
    for opens, closes in day_hours.intervals:
        if _wall_clock(day_hours.date, opens) <= moment < _wall_clock(day_hours.date, closes):
            return opens, closes
    return None


def next_opening(office, moment):
    """The start of the next open interval strictly after `moment` (aware, clinic zone), or None
    if the office does not open within LOOKAHEAD_DAYS."""
    moment = timezone.localtime(moment)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = moment.date() + datetime.timedelta(days=offset)
        for opens, _closes in hours_on(office, day).intervals:
            start = _wall_clock(day, opens)
            if start > moment:
                return start
    return None


def _opening_text(opening, today):
    time, hour = format_time(opening), clock_hour(opening)
    days_away = (opening.date() - today).days
    if days_away == 0:
        # Translators: counted on the hour (1 to 12) so the words can agree with it.
        return ngettext("Closed, opens today %(time)s", "Closed, opens today %(time)s", hour) % {"time": time}
    if days_away == 1:
        # Translators: counted on the hour (1 to 12) so the words can agree with it.
        return ngettext("Closed, opens tomorrow %(time)s", "Closed, opens tomorrow %(time)s", hour) % {"time": time}
    if days_away < 7:
        # Translators: Django date format for a weekday within the coming week, e.g. "Thursday".
        day = dateformat.format(opening.date(), pgettext("opening weekday format", "l"))
    else:
        # Translators: Django date format for a date a week or more away, e.g. "Thursday, June 11".
        day = dateformat.format(opening.date(), pgettext("opening date format", "l, F j"))
    # Translators: counted on the hour (1 to 12) so the words can agree with it.
    return ngettext("Closed, opens %(day)s %(time)s", "Closed, opens %(day)s %(time)s", hour) % {
        "day": day,
        "time": time,
    }


def status_at(office, moment):
    """Whether `office` is open, closed or by appointment at `moment`, with the state line.

    Closing time itself counts as closed (at 5:00 PM sharp the door is locked).
    """
    moment = timezone.localtime(moment)
    today = hours_on(office, moment.date())
    if today.is_by_appointment:
        return OfficeStatus(
            state=DayKind.BY_APPOINTMENT,
            text=gettext("By appointment only today: call %(phone)s") % {"phone": office.phone},
            today=today,
        )
    interval = _open_interval_at(today, moment)
    if interval is not None:
        return OfficeStatus(
            state=DayKind.OPEN,
            # Translators: counted on the hour (1 to 12) so the words can agree with it.
            text=ngettext("Open now, closes %(time)s", "Open now, closes %(time)s", clock_hour(interval[1]))
            % {"time": format_time(interval[1])},
            today=today,
        )
    opening = next_opening(office, moment)
    text = _opening_text(opening, moment.date()) if opening else gettext("Closed")
    return OfficeStatus(state=DayKind.CLOSED, text=text, today=today, next_opening=opening)
