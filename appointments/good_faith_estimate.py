"""The Good Faith Estimate clock (No Surprises Act, 45 CFR 149.610).

A patient who will not use health insurance (or is not sure), or who asks for an estimate, has
the right to a written Good Faith Estimate of the visit's cost. Once the visit is scheduled:

- scheduled at least 3 business days ahead: the estimate is due 1 business day after scheduling;
- at least 10 business days ahead, or asked for by the patient: 3 business days after;
- scheduled sooner than 3 business days ahead and not asked for: no estimate is required.

Business days are the overdue rule's (overdue.is_business_day: Monday to Friday on the clinic's
clock), less the days the visit's office is closed by a special date (a holiday closure). The
estimate itself is made in the practice's billing system; the site keeps the clock, who marked
it sent and when.
"""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from locations.models import DayKind

from .overdue import business_days_after, business_days_between

# Scheduled this many business days ahead or more: an estimate is due ...
MIN_DAYS_AHEAD = 3
# ... within this many business days of scheduling ...
SHORT_DEADLINE = 1
# ... or within this many when the visit is this far ahead, or when the patient asked for one.
LONG_AHEAD = 10
LONG_DEADLINE = 3
# Far enough to hold any visit the front desk books: the closures read once cover it.
HORIZON = datetime.timedelta(days=400)


def office_closures(office, start, end):
    """The dates between `start` and `end` on which a special date closes `office`."""
    if office is None:
        return frozenset()
    return frozenset(
        office.special_dates.filter(date__gte=start, date__lte=end, kind=DayKind.CLOSED).values_list("date", flat=True)
    )


def estimate_due_on(scheduled_on, visit_on, asked=False, closures=frozenset()):
    """The date an estimate is due for a visit on `visit_on` scheduled on `scheduled_on`
    (clinic dates), or None when the rule asks for none."""
    ahead = business_days_between(scheduled_on, visit_on, closures)
    if asked or ahead >= LONG_AHEAD:
        return business_days_after(scheduled_on, LONG_DEADLINE, closures)
    if ahead >= MIN_DAYS_AHEAD:
        return business_days_after(scheduled_on, SHORT_DEADLINE, closures)
    return None


def due_date_for(appointment_request, now=None):
    """The due date for the request's booked visit as scheduled (or marked asked for) at `now`:
    None unless the patient pays for themselves, is not sure, or asked."""
    if not (appointment_request.needs_estimate and appointment_request.visit_at):
        return None
    today = timezone.localdate(now)
    visit_on = timezone.localdate(appointment_request.visit_at)
    closures = office_closures(appointment_request.visit_office, today, max(today, visit_on) + HORIZON)
    return estimate_due_on(today, visit_on, appointment_request.estimate_requested, closures)


# --- the reports --------------------------------------------------------------------------


def estimate_counts(requests, today=None):
    """Among `requests`: estimates due (a due date was set), sent on time (on or before it, clinic
    date), and late (sent after it, or still unsent once it has passed). One query."""
    today = today or timezone.localdate()
    sent_on = TruncDate("estimate_sent_at", tzinfo=timezone.get_default_timezone())
    return requests.annotate(estimate_sent_on=sent_on).aggregate(
        due=Count("pk", filter=Q(estimate_due_on__isnull=False)),
        on_time=Count("pk", filter=Q(estimate_due_on__isnull=False, estimate_sent_on__lte=F("estimate_due_on"))),
        late=Count(
            "pk",
            filter=Q(estimate_due_on__isnull=False)
            & (
                Q(estimate_sent_on__gt=F("estimate_due_on"))
                | Q(estimate_sent_at__isnull=True, estimate_due_on__lt=today)
            ),
        ),
    )
