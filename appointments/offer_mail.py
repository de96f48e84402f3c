"""The waitlist's offers by e-mail: staff send a freed time to the next few patients it could
suit (send_offers), and the task queue sends each offer (send_offer) in the patient's language.

Like every patient e-mail (notifications.py) it carries nothing the patient wrote: the freed
time's date, time and office, the link and until when it works. The link's token is made when
the e-mail is built, so it exists only in the message: the task's stored arguments (the task
queue's table) hold the offer's id, never a working link; a retry makes a new one.
"""

import functools
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from core.models import Clinic

from . import waitlist
from .formats import visit_date_and_time
from .models import FreedTime, WaitlistOffer
from .tasks import retry_moment
from .visit_tokens import Unusable

logger = logging.getLogger(__name__)


def send_offers(freed_time, batch=None):
    """Offer the freed time to the next `batch` (APPOINTMENT_WAITLIST_BATCH) patients it could
    suit who gave an e-mail address, and queue their e-mails; returns the requests offered."""
    batch = batch or settings.APPOINTMENT_WAITLIST_BATCH
    with transaction.atomic():
        # Two staff sending at once would offer the same patients twice (the unique constraint).
        freed_time = FreedTime.objects.select_for_update().get(pk=freed_time.pk)
        if not FreedTime.objects.offerable().filter(pk=freed_time.pk).exists():
            return []  # claimed, given by phone since, or too near for an offer to stay open
        chosen = list(waitlist.candidates_for(freed_time).exclude(email="")[:batch])
        for appointment_request in chosen:
            waitlist.offer(freed_time, appointment_request)
        offers = WaitlistOffer.objects.filter(freed_time=freed_time, appointment_request__in=chosen)
        for pk in offers.values_list("pk", flat=True):
            transaction.on_commit(functools.partial(send_offer.enqueue, pk), robust=True)
    return chosen


@task()
def send_offer(pk, attempt=1):
    """Send one offer, unless it can no longer be claimed. Returns what happened."""
    found = WaitlistOffer.objects.select_related("freed_time__office", "appointment_request").filter(pk=pk).first()
    if found is None:
        return "not due"
    try:
        waitlist.check_open(found, found.freed_time)
    except Unusable:
        return "not due"
    try:
        offer_message(found).send()
    except Exception as error:
        # The offer's id only: the exception text can quote addresses.
        logger.warning(
            "waitlist offer e-mail not sent",
            extra={"offer": pk, "attempt": attempt, "error_type": type(error).__name__},
        )
        if run_after := retry_moment(attempt):
            send_offer.using(run_after=run_after).enqueue(pk, attempt + 1)
            return "retry"
        return "failed"
    return "sent"


def offer_message(found):
    """The offer's e-mail, with a new link (an earlier e-mail's link stops working)."""
    appointment_request, freed_time = found.appointment_request, found.freed_time
    token = waitlist.renew_token(found)
    with translation.override(appointment_request.callback_language):
        context = {
            "practice": Clinic.load().name,
            **visit_date_and_time(freed_time.at),
            "office": freed_time.office,
            "until": visit_date_and_time(found.expires_at),
            "link": waitlist.offer_link(appointment_request, token),
        }
        subject = render_to_string("appointments/email/offer_subject.txt", context).strip()
        body = render_to_string("appointments/email/offer.txt", context)
    return EmailMessage(subject, body, None, [appointment_request.email])
