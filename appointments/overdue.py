"""The front desk's one queue rule: a request still new after one business day is overdue; and
the business-day counting it rests on, which the reminder and the Good Faith Estimate clock use too.

Business days are Monday to Friday on the clinic's clock (America/Denver), whatever the
server's zone. Weekend hours do not count, so a request received on Friday afternoon becomes
overdue on Monday afternoon, not on Saturday, and one received on Saturday on Tuesday at
midnight.
"""

import datetime

from django.utils import timezone

from locations.hours import business_seconds_between


def is_business_day(day, closures=frozenset()):
    """Monday to Friday, unless `day` is one of `closures` (dates an office is closed: the Good
    Faith Estimate clock passes them, good_faith_estimate.py)."""
    return day.weekday() < 5 and day not in closures


def business_days_before(day, count=1):
    """The date `count` business days before `day` (the overdue rule, and the visit reminder)."""
    while count:
        day -= datetime.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def business_days_after(day, count, closures=frozenset()):
    """The date `count` business days after `day` (not counting `day` itself)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_business_day(day, closures):
            count -= 1
    return day


def business_days_between(start, end, closures=frozenset()):
    """How many business days come after `start`, up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_business_day(day, closures)
    return count


def one_business_day_before(moment):
    """The moment exactly one business day before `moment`, on the clinic's clock.

    A request received before it, and still new at `moment`, has waited more than a business
    day. During a weekend the business clock stands still at Friday midnight, so the answer
    is the start of that Friday.
    """
    local = timezone.localtime(moment)
    day, clock = local.date(), local.time()
    if not is_business_day(day):
        clock = datetime.time(0)
    day = business_days_before(day)
    # A business day is never a daylight-saving change day (those are Sundays in the US),
    # so this wall-clock time exists exactly once.
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def overdue_cutoff(now=None):
    """Requests received before this moment and still new are overdue."""
    return one_business_day_before(now or timezone.now())


def first_contact_wait(location, received, contacted):
    """How long a patient waited for the first contact, as the reports count it: business
    seconds at the office (locations.hours.business_seconds_between), and whether the contact
    came within one business day, that is before the request would have turned overdue."""
    return (
        business_seconds_between(location, received, contacted),
        received >= one_business_day_before(contacted),
    )
