"""The packet's receipt e-mail, sent by the task queue (django-tasks, `manage.py db_worker`) as
every other e-mail of the site (appointments/tasks.py), never inside the patient's request.

It says the packet arrived and names the visit's date, time and office, in the language the
patient asked to be called back in. It carries no answer and nothing the patient wrote: e-mail is
no place for health information.
"""

import functools
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from appointments.formats import visit_date_and_time
from appointments.tasks import retry_moment
from core.models import Clinic

from .models import Packet

logger = logging.getLogger(__name__)


def queue_receipt(packet):
    """Queue the receipt once the packet's sending is committed, if the patient gave an address.
    A failure to queue is logged; the packet has arrived all the same."""
    if packet.appointment_request.email:
        transaction.on_commit(functools.partial(send_receipt.enqueue, packet.pk), robust=True)


@task()
def send_receipt(packet_pk, attempt=1):
    """Send the receipt of a sent packet. Returns what happened."""
    packet = Packet.objects.select_related("appointment_request__visit_office").filter(pk=packet_pk).first()
    # Purged meanwhile, or its visit gone: nothing to confirm.
    if (
        packet is None
        or packet.status != Packet.Status.COMPLETE
        or not packet.appointment_request.email
        or not packet.appointment_request.visit_is_on
    ):
        return "not due"
    try:
        receipt(packet.appointment_request).send()
    except Exception as error:
        # The reference only: the exception text can quote addresses.
        logger.warning(
            "packet receipt not sent",
            extra={
                "reference": packet.appointment_request.reference,
                "attempt": attempt,
                "error_type": type(error).__name__,
            },
        )
        if run_after := retry_moment(attempt):
            send_receipt.using(run_after=run_after).enqueue(packet_pk, attempt + 1)
            return "retry"
        return "failed"
    return "sent"


def receipt(appointment_request):
    visit = appointment_request.visit
    with translation.override(appointment_request.callback_language):
        context = {
            "practice": Clinic.load().name,
            "reference": appointment_request.display_reference,
            **visit_date_and_time(visit.at),
            "office": visit.office,
        }
        subject = render_to_string("packets/email/receipt_subject.txt", context).strip()
        body = render_to_string("packets/email/receipt.txt", context)
    return EmailMessage(subject, body, None, [appointment_request.email])
