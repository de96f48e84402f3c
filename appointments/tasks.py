"""Every e-mail goes out through the task queue (django-tasks with its database backend), run by
`manage.py db_worker`, never inside a web request: a hanging mail server cannot keep a patient
waiting. Tasks are queued once the transaction that called for them commits.

A failed send is queued again after each of APPOINTMENT_MAIL_RETRY_DELAYS; after the last, the
request shows staff which e-mail was not sent (unsent_email). The reminder is a task queued at
scheduling time to run at its moment (`run_after`); like every visit e-mail it carries the
visit's version and does nothing once the visit has changed, so a rebooked or cancelled visit
never gets a stale message, and it claims the request before sending, so it never goes twice.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from .models import PATIENT_EMAILS, VISIT_EMAILS, AppointmentRequest, Email, Status
from .notifications import build
from .overdue import business_days_before

logger = logging.getLogger(__name__)

# The reminder goes at this time of day (clinic time), the chosen number of business days before.
REMINDER_TIME = datetime.time(10)


@task()
def send_email(pk, kind, sequence=0, attempt=1):
    """Send one e-mail of a request, unless it is no longer due. Returns what happened."""
    appointment_request = AppointmentRequest.objects.select_related("location", "visit_office").filter(pk=pk).first()
    # Purged meanwhile, or superseded (already sent, visit changed or cancelled).
    if appointment_request is None or not is_due(appointment_request, kind, sequence):
        return "not due"
    if kind == Email.REMINDER and not claim_reminder(appointment_request):
        return "not due"
    try:
        build(appointment_request, kind).send()
    except Exception as error:
        # The reference only: the exception text can quote addresses.
        logger.warning(
            "appointment request e-mail not sent",
            extra={
                "reference": appointment_request.reference,
                "notification": kind,
                "attempt": attempt,
                "error_type": type(error).__name__,
            },
        )
        return retry_or_give_up(appointment_request, kind, sequence, attempt)
    except BaseException:
        # The worker was told to stop at once (a second SIGTERM, Ctrl+C) in the middle of the
        # send: queue it again before going, or nothing would ever send it.
        send_again(appointment_request.pk, kind, sequence, attempt)
        raise
    record_sent(appointment_request, kind)
    return "sent"


def send_again(pk, kind, sequence, attempt):
    """Queue a send whose worker stopped or died during it. The message may have reached the
    patient already: a second copy has the same subject, and its calendar file the same UID
    and SEQUENCE, so their calendar keeps one event (mail_safety_net.py)."""
    if kind == Email.REMINDER:
        # Its claim was taken for this send: the next one claims it again.
        AppointmentRequest.objects.filter(pk=pk, visit_sequence=sequence).update(reminder_sent_at=None)
    send_email.enqueue(pk, kind, sequence, attempt)


def is_due(appointment_request, kind, sequence):
    if kind in PATIENT_EMAILS and not appointment_request.email:
        return False
    if kind == Email.STAFF:
        return bool(settings.APPOINTMENT_STAFF_EMAILS) and appointment_request.staff_notified_at is None
    if kind == Email.PATIENT_REPLY:
        return bool(settings.APPOINTMENT_STAFF_EMAILS)
    if kind == Email.RECEIPT:
        return appointment_request.receipt_sent_at is None
    if sequence != appointment_request.visit_sequence:
        return False
    if kind == Email.CANCELLATION:
        return appointment_request.visit_at is not None and not appointment_request.visit_in_calendar
    if kind == Email.REMINDER:
        return (
            appointment_request.visit_is_on
            and appointment_request.reminder_sent_at is None
            and appointment_request.visit_at > timezone.now()
        )
    return appointment_request.visit_is_on


def claim_reminder(appointment_request):
    """Mark the reminder sent before sending it: of two workers, only one wins the row."""
    claimed = AppointmentRequest.objects.filter(
        pk=appointment_request.pk, visit_sequence=appointment_request.visit_sequence, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=timezone.now())
    return claimed == 1


def retry_or_give_up(appointment_request, kind, sequence, attempt):
    rows = AppointmentRequest.objects.filter(pk=appointment_request.pk)
    if kind == Email.REMINDER:
        rows.update(reminder_sent_at=None)  # not sent after all: the retry claims it again
    if run_after := retry_moment(attempt):
        send_email.using(run_after=run_after).enqueue(appointment_request.pk, kind, sequence, attempt + 1)
        return "retry"
    rows.update(unsent_email=kind)
    return "failed"


def retry_moment(attempt):
    """When to try again after failed attempt number `attempt` (APPOINTMENT_MAIL_RETRY_DELAYS), or
    None once every delay is spent: one rule for every e-mail the site sends."""
    delays = settings.APPOINTMENT_MAIL_RETRY_DELAYS
    if attempt <= len(delays):
        return timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
    return None


def record_sent(appointment_request, kind):
    """One UPDATE: stamp the staff notification or receipt (only if not stamped yet, so two
    senders racing, a retry and the safety net, stamp it once) or the visit e-mail's version,
    and clear a "not sent" of this kind."""
    changes = {"unsent_email": Case(When(unsent_email=kind, then=Value("")), default=F("unsent_email"))}
    if stamp := {Email.STAFF: "staff_notified_at", Email.RECEIPT: "receipt_sent_at"}.get(kind):
        changes[stamp] = Coalesce(F(stamp), Value(timezone.now()))
    if kind in VISIT_EMAILS:
        # Which visit version the patient's calendar was last told about (the safety net's mark).
        changes["visit_email_sent_for"] = appointment_request.visit_sequence
    AppointmentRequest.objects.filter(pk=appointment_request.pk).update(**changes)


def enqueue_email(appointment_request, kind, run_after=None):
    """Queue one e-mail once the current transaction commits (at once outside one). A failure to
    queue is logged and leaves the request as it is: the safety net command re-queues lost
    receipts and staff notifications."""
    queued = send_email if run_after is None else send_email.using(run_after=run_after)
    transaction.on_commit(
        functools.partial(queued.enqueue, appointment_request.pk, kind, appointment_request.visit_sequence),
        robust=True,
    )


def emails_on_arrival(appointment_request):
    for kind in (Email.STAFF, Email.RECEIPT):
        if is_due(appointment_request, kind, 0):
            enqueue_email(appointment_request, kind)


def emails_after_move(appointment_request, patient_choice, ends_visit=False):
    """What a status move tells the patient and staff (AppointmentRequest.move_to calls this).
    Every move that ends a booked visit (cancelled, or closed other than as booked) removes it
    from the patient's calendar."""
    if patient_choice:
        enqueue_email(appointment_request, Email.PATIENT_REPLY)
    if ends_visit or appointment_request.status == Status.VISIT_CANCELLED:
        enqueue_email(appointment_request, Email.CANCELLATION)
    elif appointment_request.status == Status.SCHEDULED:
        first = appointment_request.visit_sequence == 0
        enqueue_email(appointment_request, Email.CONFIRMATION if first else Email.UPDATE)
        remind_at = reminder_moment(appointment_request.visit_at)
        if remind_at > timezone.now():
            enqueue_email(appointment_request, Email.REMINDER, run_after=remind_at)


def reminder_moment(visit_at):
    """REMINDER_TIME on the day APPOINTMENT_REMINDER_BUSINESS_DAYS business days (Monday to
    Friday) before the visit, clinic time."""
    day = business_days_before(timezone.localdate(visit_at), settings.APPOINTMENT_REMINDER_BUSINESS_DAYS)
    return datetime.datetime.combine(day, REMINDER_TIME, tzinfo=timezone.get_default_timezone())
