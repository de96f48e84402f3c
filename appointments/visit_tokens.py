"""The patient's link to cancel the visit or ask for another time.

A signed token (django.core.signing, salted for this one use), never an id that could be
guessed: it names the request and the visit's version (visit_sequence), and carries the moment
the visit ends, after which it is refused. A new visit time, a cancellation or an answer already
given make older links unusable, since the request no longer matches them.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from .models import AppointmentRequest, Status

SALT = "appointments.visit-link"


class Unusable(Exception):
    """Why a link cannot be used; `reason` picks the patient's page."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def token_for(appointment_request):
    payload = {
        "r": appointment_request.pk,
        "s": appointment_request.visit_sequence,
        "e": int(appointment_request.visit.ends_at.timestamp()),
    }
    return signing.dumps(payload, salt=SALT)


def link_for(appointment_request):
    """The full link, in the language the patient asked to be called back in."""
    with translation.override(appointment_request.callback_language):
        path = reverse("appointments:visit", kwargs={"token": token_for(appointment_request)})
    return settings.SITE_URL + path


def request_for(token):
    """The request a link may still change, or Unusable with the reason."""
    try:
        payload = signing.loads(token, salt=SALT)
        pk, sequence, ends = int(payload["r"]), int(payload["s"]), int(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Unusable("invalid") from error
    if timezone.now().timestamp() >= ends:
        raise Unusable("expired")
    appointment_request = AppointmentRequest.objects.select_related("visit_office").filter(pk=pk).first()
    if appointment_request is None:
        raise Unusable("unknown")
    if appointment_request.patient_choice and appointment_request.status != Status.SCHEDULED:
        raise Unusable("answered")
    if appointment_request.status == Status.VISIT_CANCELLED:
        raise Unusable("cancelled")
    if appointment_request.visit_sequence != sequence or not appointment_request.visit_is_on:
        raise Unusable("changed")
    return appointment_request
