"""The packet's paragraph in the visit's e-mails (appointments/notifications.py sends the signal):
the confirmation and the update carry a link to "Prepare for your visit"; the reminder asks to
finish it, or thanks the patient when it has arrived. Nothing the patient wrote is in it.
"""

from django.dispatch import receiver
from django.template.loader import render_to_string

from appointments.models import Email
from appointments.notifications import visit_email_paragraphs

from . import links
from .models import Packet

WITH_LINK = {Email.CONFIRMATION, Email.UPDATE, Email.REMINDER}


@receiver(visit_email_paragraphs, dispatch_uid="packets.visit_email_paragraph")
def packet_paragraph(sender, appointment_request, kind, **kwargs):
    if kind not in WITH_LINK:
        return []
    packet = Packet.objects.filter(appointment_request=appointment_request).only("status").first()
    complete = packet is not None and packet.status == Packet.Status.COMPLETE
    context = {
        "reminder": kind == Email.REMINDER,
        "complete": complete,
        "link": "" if complete else links.link_for(appointment_request),
    }
    return [render_to_string("packets/email/visit_paragraph.txt", context).strip()]
