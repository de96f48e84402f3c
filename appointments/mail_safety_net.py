"""The mail queue's safety net, run by `manage.py send_pending_notifications` every ten minutes
(deploy/systemd/clinic-notify.timer): every e-mail ends sent, queued again, or flagged to staff.

- A send whose worker died (kill -9, a machine gone, systemd's SIGKILL after the stop timeout)
  stays RUNNING in the queue for ever. One running longer than MAIL_SEND_DEAD_AFTER_SECONDS
  (far beyond EMAIL_TIMEOUT's few round trips) is treated as dead: marked failed and queued
  again, counted as an attempt, and after the last one flagged on the request (unsent_email).
- An e-mail never queued (the queue failed as the change committed) or given up after every
  retry is queued again from the request's own marks: the staff notification and receipt
  (their stamps), the visit's confirmation, update or cancellation (visit_email_sent_for
  lagging behind visit_sequence), and a reminder whose moment has passed.

Sending twice is better than never: a worker may die after the mail server took the message.
The patient then holds two e-mails with the same subject; their calendar files carry the same
UID and SEQUENCE, so the calendar keeps one event.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import AppointmentRequest, Email
from .tasks import enqueue_email, is_due, reminder_moment, send_again, send_email

# A request changed more recently than this may still have its e-mails on the way to the queue.
GRACE = datetime.timedelta(minutes=10)


class SendAbandoned(Exception):
    """Recorded on a send whose worker stopped answering: it is queued again."""


def send_tasks():
    return DBTaskResult.objects.filter(task_path=send_email.module_path)


def stuck_sends(now=None):
    """Sends RUNNING for longer than any live worker takes: their worker is dead."""
    dead_after = datetime.timedelta(seconds=settings.MAIL_SEND_DEAD_AFTER_SECONDS)
    return send_tasks().filter(status=TaskResultStatus.RUNNING, started_at__lt=(now or timezone.now()) - dead_after)


def requeue_stuck_sends():
    """Queue again each dead send (or flag it after its last attempt); how many were found."""
    found = 0
    with transaction.atomic():
        for task_result in stuck_sends().select_for_update(skip_locked=True):
            pk, kind, sequence, attempt = send_arguments(task_result.args_kwargs["args"])
            task_result.set_failed(SendAbandoned("the worker stopped during the send"))
            if attempt <= len(settings.APPOINTMENT_MAIL_RETRY_DELAYS):
                send_again(pk, kind, sequence, attempt + 1)
            else:
                AppointmentRequest.objects.filter(pk=pk).update(unsent_email=kind)
            found += 1
    return found


def send_arguments(args):
    """send_email's (pk, kind, sequence, attempt), its defaults filled in."""
    pk, kind, sequence, attempt = [*args, *(0, 1)[len(args) - 2 :]]
    return pk, kind, sequence, attempt


def queue_lost_emails():
    """Queue every e-mail that is due, neither sent nor waiting in the queue; how many."""
    waiting = {
        (entry["args"][0], entry["args"][1])
        for entry in send_tasks()
        .filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .values_list("args_kwargs", flat=True)
    }
    settled = timezone.now() - GRACE
    queued = 0

    def queue(appointment_request, kind):
        nonlocal queued
        if (appointment_request.pk, kind) not in waiting and is_due(
            appointment_request, kind, appointment_request.visit_sequence
        ):
            enqueue_email(appointment_request, kind)
            queued += 1

    for appointment_request in AppointmentRequest.objects.notifications_pending().filter(created_at__lt=settled):
        for kind in (Email.STAFF, Email.RECEIPT):
            queue(appointment_request, kind)
    for appointment_request in (
        AppointmentRequest.objects.exclude(email="")
        .filter(visit_at__isnull=False, updated_at__lt=settled)
        .exclude(visit_email_sent_for=F("visit_sequence"))
        .select_related("visit_office")
    ):
        queue(appointment_request, visit_email_due(appointment_request))
    now = timezone.now()
    for appointment_request in (
        AppointmentRequest.objects.exclude(email="")
        .filter(visit_at__gt=now, reminder_sent_at__isnull=True)
        .select_related("visit_office")
    ):
        if appointment_request.visit_is_on and reminder_moment(appointment_request.visit_at) < settled:
            queue(appointment_request, Email.REMINDER)
    return queued


def visit_email_due(appointment_request):
    """The e-mail that tells the patient's calendar about the visit's current version."""
    if not appointment_request.visit_in_calendar:
        return Email.CANCELLATION
    return Email.CONFIRMATION if appointment_request.visit_sequence == 0 else Email.UPDATE
