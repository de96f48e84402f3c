"""The patient's link to the packet: an opaque token like the visit link's (the same helpers,
appointments/visit_tokens.py), stored as its digest. Every confirmation, update and reminder
carries a new one; each works while the visit stands, until it ends, so a patient can stop and
come back with any of them. Logs show the path as /appointments/prepare/… (link_logging.py).
"""

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from appointments.visit_tokens import TOKEN_BYTES, TOKEN_SHAPE, Unusable, digest_of

from .models import PacketLink

__all__ = ["Unusable", "link_for", "request_for"]


def link_for(appointment_request):
    """A new link, in the language the patient asked to be called back in."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    PacketLink.objects.create(appointment_request=appointment_request, digest=digest_of(token))
    with translation.override(appointment_request.callback_language):
        path = reverse("packets:start", kwargs={"token": token})
    return settings.SITE_URL + path


def request_for(token, now=None):
    """The request whose packet the link opens, or Unusable("invalid" | "cancelled" | "expired")."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise Unusable("invalid")
    link = (
        PacketLink.objects.select_related("appointment_request__visit_office").filter(digest=digest_of(token)).first()
    )
    if link is None:
        raise Unusable("invalid")
    appointment_request = link.appointment_request
    if not appointment_request.visit_is_on:
        raise Unusable("cancelled")
    if (now or timezone.now()) >= appointment_request.visit.ends_at:
        raise Unusable("expired")
    return appointment_request
