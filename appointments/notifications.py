"""The e-mails a request sends, built here and sent by the task queue (appointments/tasks.py).

To staff: a heads-up for each new request and for each answer a patient gives through their
link. To the patient, only if they gave an address: the receipt, then the visit's confirmation,
update, cancellation and reminder, each with a calendar file (appointments/ics.py).

E-mail is not a safe place for health information: none of them carries the patient's name,
phone, reason or message, nor anything else the patient wrote. Staff open the request in admin
through the link; the patient reads the visit's date, time and office, which they were told by
phone anyway. Subjects name the practice only.
"""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.models import Clinic

from . import ics, visit_tokens
from .formats import visit_date_and_time
from .models import ESTIMATE_ANSWERS, AppointmentRequest, Email, PatientChoice, Status

# Apps above this one add paragraphs to the visit's e-mails without this module knowing them
# (the pre-visit packet's link: packets/visit_emails.py). Sent with `appointment_request` and
# `kind` inside the patient's language; each receiver returns a list of finished paragraphs.
visit_email_paragraphs = Signal()


def admin_link(appointment_request):
    path = reverse("admin:appointments_appointmentrequest_change", args=[appointment_request.pk])
    return settings.SITE_URL + path


def build(appointment_request, kind):
    """The message of `kind` (an Email value) for this request, ready to send."""
    if kind in (Email.STAFF, Email.PATIENT_REPLY):
        return staff_message(appointment_request, kind)
    if kind == Email.RECEIPT:
        return receipt(appointment_request)
    return visit_message(appointment_request, kind)


def staff_message(appointment_request, kind):
    context = {
        "reference": appointment_request.display_reference,
        "office": appointment_request.location.name,
        "link": admin_link(appointment_request),
        "choice": PatientChoice(appointment_request.patient_choice).label if kind == Email.PATIENT_REPLY else "",
        # Whether a Good Faith Estimate will be due: the answer alone, nothing the patient typed.
        "self_pay": kind == Email.STAFF and appointment_request.insurance in ESTIMATE_ANSWERS,
    }
    # Staff mail is in the site's default language whatever the patient used.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == Email.PATIENT_REPLY:
            subject = f"Patient replied on appointment request {context['reference']}"
        else:
            subject = f"New appointment request {context['reference']} at {context['office']}"
        body = render_to_string("appointments/email/staff_notification.txt", context)
    return EmailMessage(subject, body, None, settings.APPOINTMENT_STAFF_EMAILS)


def receipt(appointment_request):
    context = {
        "reference": appointment_request.display_reference,
        "office": appointment_request.location,
        "by_email": appointment_request.contact_method == "email",
        "callback_hours": AppointmentRequest.objects.typical_callback_hours(),
    }
    with translation.override(appointment_request.language):
        subject = render_to_string("appointments/email/receipt_subject.txt", context).strip()
        body = render_to_string("appointments/email/receipt.txt", context)
    return EmailMessage(subject, body, None, [appointment_request.email])


def visit_message(appointment_request, kind):
    """Confirmation, update, cancellation or reminder, in the language the patient asked to be
    called back in, with the calendar file that adds, moves or removes the visit."""
    visit = appointment_request.visit
    clinic = Clinic.load()
    with translation.override(appointment_request.callback_language):
        context = {
            "kind": kind,
            "practice": clinic.name,
            "reference": appointment_request.display_reference,
            **visit_date_and_time(visit.at),
            "office": visit.office,
            "link": "" if kind == Email.CANCELLATION else visit_tokens.link_for(appointment_request),
            "paragraphs": [
                paragraph
                for _receiver, paragraphs in visit_email_paragraphs.send(
                    sender=AppointmentRequest, appointment_request=appointment_request, kind=kind
                )
                for paragraph in paragraphs
            ],
            # The booking and its updates say so; the visit page's button leaves the waitlist.
            "on_waitlist": kind in (Email.CONFIRMATION, Email.UPDATE) and on_waitlist(appointment_request),
        }
        subject = render_to_string("appointments/email/visit_subject.txt", context).strip()
        body = render_to_string("appointments/email/visit.txt", context)
        invitation = ics.invitation(appointment_request, clinic, cancelled=kind == Email.CANCELLATION)
    message = EmailMessage(subject, body, None, [appointment_request.email])
    message.attach(calendar_part(invitation, "CANCEL" if kind == Email.CANCELLATION else "REQUEST"))
    return message


def on_waitlist(appointment_request):
    """The patient asked to be offered an earlier time, and the visit is scheduled (as
    AppointmentRequest.objects.waitlisted())."""
    return bool(appointment_request.earlier_time) and appointment_request.status == Status.SCHEDULED


def calendar_part(ics, method):
    """The .ics as calendars expect it: text/calendar with its METHOD, also as a file."""
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="appointment.ics")
    return part
