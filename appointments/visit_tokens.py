"""The patient's link to cancel the visit or ask for another time.

An opaque token, like a password-reset token: 32 random bytes, sent in the e-mail and kept
only as its SHA-256 digest (VisitLink), so neither the link nor the database reveals the
request or the visit, and a copy of the table gives no working link. Each e-mail gets a link
of its own, for the visit's version (visit_sequence) it was sent for, refused once the visit
has ended. A new visit time, a cancellation or an answer already given make older links
unusable, since the request no longer matches them. Logs show the path as
/appointments/visit/… (link_logging.py).
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from .models import Status, VisitLink

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class Unusable(Exception):
    """Why a link cannot be used; `reason` picks the patient's page."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def digest_of(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(appointment_request):
    """A new link's token for the request's visit as it is now; only its digest is stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    VisitLink.objects.create(
        appointment_request=appointment_request,
        digest=digest_of(token),
        visit_sequence=appointment_request.visit_sequence,
        expires_at=appointment_request.visit.ends_at,
    )
    return token


def link_for(appointment_request):
    """The full link, in the language the patient asked to be called back in."""
    with translation.override(appointment_request.callback_language):
        path = reverse("appointments:visit", kwargs={"token": token_for(appointment_request)})
    return settings.SITE_URL + path


def request_for(token):
    """The request a link may still change, or Unusable with the reason."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise Unusable("invalid")
    link = VisitLink.objects.select_related("appointment_request__visit_office").filter(digest=digest_of(token)).first()
    # Unknown, forged, or its request purged (the links go with it).
    if link is None:
        raise Unusable("invalid")
    if timezone.now() >= link.expires_at:
        raise Unusable("expired")
    appointment_request = link.appointment_request
    if appointment_request.patient_choice and appointment_request.status != Status.SCHEDULED:
        raise Unusable("answered")
    if appointment_request.status == Status.VISIT_CANCELLED:
        raise Unusable("cancelled")
    if appointment_request.visit_sequence != link.visit_sequence or not appointment_request.visit_is_on:
        raise Unusable("changed")
    return appointment_request
