"""The two e-mails a request sends: a heads-up to the front desk and a receipt to the patient.

E-mail is not a safe place for health information, so neither carries the patient's name,
phone, reason or message: staff open the request in admin through the link. Both go out after
the request is committed; a failure is logged (reference only, never the exception text, which
can quote addresses) and `manage.py send_pending_notifications` retries it later.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import AppointmentRequest
from .reports import typical_callback_hours

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0

    def __iadd__(self, other):
        self.sent += other.sent
        self.failed += other.failed
        return self


def admin_link(appointment_request):
    path = reverse("admin:appointments_appointmentrequest_change", args=[appointment_request.pk])
    return settings.SITE_URL + path


def send_staff_notification(appointment_request):
    context = {
        "reference": appointment_request.display_reference,
        "office": appointment_request.location.name,
        "link": admin_link(appointment_request),
    }
    # Staff mail is in the site's default language whatever the patient used.
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"New appointment request {context['reference']} at {context['office']}"
        body = render_to_string("appointments/email/staff_notification.txt", context)
    send_mail(subject, body, None, settings.APPOINTMENT_STAFF_EMAILS)


def send_receipt(appointment_request):
    context = {
        "reference": appointment_request.display_reference,
        "office": appointment_request.location,
        "by_email": appointment_request.contact_method == "email",
        "callback_hours": typical_callback_hours(),
    }
    with translation.override(appointment_request.language):
        subject = render_to_string("appointments/email/receipt_subject.txt", context).strip()
        body = render_to_string("appointments/email/receipt.txt", context)
    send_mail(subject, body, None, [appointment_request.email])


def _deliver(appointment_request, kind, send, timestamp_field):
    try:
        send(appointment_request)
    except Exception as error:
        logger.warning(
            "appointment request e-mail not sent",
            extra={
                "reference": appointment_request.reference,
                "notification": kind,
                "error_type": type(error).__name__,
            },
        )
        return Outcome(failed=1)
    # Conditional, so two senders racing (the request and the retry command) stamp it once.
    AppointmentRequest.objects.filter(pk=appointment_request.pk, **{f"{timestamp_field}__isnull": True}).update(
        **{timestamp_field: timezone.now()}
    )
    return Outcome(sent=1)


def send_notifications(pk):
    """Send whatever has not gone out yet for one request. Never raises: the patient's request
    is already stored, and nothing here may turn that into an error page."""
    outcome = Outcome()
    try:
        appointment_request = AppointmentRequest.objects.select_related("location").get(pk=pk)
        if settings.APPOINTMENT_STAFF_EMAILS and appointment_request.staff_notified_at is None:
            outcome += _deliver(appointment_request, "staff", send_staff_notification, "staff_notified_at")
        if appointment_request.email and appointment_request.receipt_sent_at is None:
            outcome += _deliver(appointment_request, "receipt", send_receipt, "receipt_sent_at")
    except Exception as error:
        logger.warning(
            "appointment request e-mails not sent", extra={"request_id": pk, "error_type": type(error).__name__}
        )
        outcome.failed += 1
    return outcome
