"""The waitlist: a time freed by a cancellation is offered to patients who asked on the form to
be called if an earlier time opens (AppointmentRequest.earlier_time), and the first to claim it
gets it.

Who a freed time could suit (candidates_for), in order:
- on the waitlist: the visit is scheduled and the patient opted in;
- the booked visit is later than the freed time (an offer must be an earlier time);
- the office is accepted: the visit's own office, or either office if the patient said so;
- the time of day matches the form's preferred time (before noon is morning, else afternoon;
  "any time" matches both);
- patients not offered anything in the last APPOINTMENT_WAITLIST_RECENT_OFFER_DAYS come first,
  so the same few patients are not offered every time; then the earliest request first (first
  come, first served); a patient is offered one freed time once.

An offer is an opaque link like the visit link (visit_tokens.py: random token, only its SHA-256
digest stored), usable until APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS before the freed time. A
claim locks the freed time's row, so of patients claiming at once exactly one wins; the winner's
visit moves through workflow.move_to (the update e-mail and .ics, same UID, higher SEQUENCE),
and their old time is freed in turn (every move that ends or moves a booked visit records its
time: FreedTime.objects.record).
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from locations.hours import NOON

from .models import AppointmentRequest, EarlierTime, FreedTime, PreferredTime, Status, Visit, WaitlistOffer
from .visit_tokens import TOKEN_BYTES, TOKEN_SHAPE, Unusable, digest_of
from .workflow import move_to


def candidates_for(freed_time, now=None):
    """The waitlisted requests the freed time could suit, best first (see the module's rules)."""
    now = now or timezone.now()
    local_time = timezone.localtime(freed_time.at).time()
    time_of_day = PreferredTime.MORNING if local_time < NOON else PreferredTime.AFTERNOON
    recently_offered = WaitlistOffer.objects.filter(
        appointment_request=OuterRef("pk"),
        offered_at__gte=now - datetime.timedelta(days=settings.APPOINTMENT_WAITLIST_RECENT_OFFER_DAYS),
    )
    already_offered = WaitlistOffer.objects.filter(appointment_request=OuterRef("pk"), freed_time=freed_time)
    return (
        AppointmentRequest.objects.waitlisted()
        .filter(visit_at__gt=freed_time.at)
        .filter(Q(visit_office=freed_time.office_id) | Q(earlier_time=EarlierTime.EITHER_OFFICE))
        .filter(preferred_time__in=[time_of_day, PreferredTime.ANY])
        .exclude(pk=freed_time.freed_by_id)
        .exclude(Exists(already_offered))
        .alias(recently_offered=Exists(recently_offered))
        .order_by("recently_offered", "created_at", "pk")
    )


def offer_closes_at(freed_time):
    return freed_time.offers_close_at


def offer(freed_time, appointment_request):
    """Record an offer of the freed time to the request; returns its token (only the digest is
    stored, so the token exists only in what is sent)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    WaitlistOffer.objects.create(
        freed_time=freed_time,
        appointment_request=appointment_request,
        digest=digest_of(token),
        expires_at=offer_closes_at(freed_time),
    )
    return token


def renew_token(found):
    """A new token for the offer (the one before stops working): made when its e-mail is built,
    so a working link is only ever in the message sent."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    found.digest = digest_of(token)
    found.save(update_fields=["digest"])
    return token


def offer_link(appointment_request, token):
    """The full link to the offer, in the language the patient asked to be called back in."""
    with translation.override(appointment_request.callback_language):
        path = reverse("appointments:offer", kwargs={"token": token})
    return settings.SITE_URL + path


def offer_for(token):
    """The offer a token stands for, if it may still be claimed, or Unusable with the reason:
    invalid, expired, taken (claimed, or the time given by phone) or changed (the patient's own
    visit no longer stands, or is no longer later)."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise Unusable("invalid")
    found = (
        WaitlistOffer.objects.select_related("freed_time__office", "appointment_request")
        .filter(digest=digest_of(token))
        .first()
    )
    if found is None:
        raise Unusable("invalid")
    check_open(found, found.freed_time)
    return found


def check_open(found, freed_time):
    if freed_time.claimed_by_id is not None or time_given_by_phone(freed_time):
        raise Unusable("taken")
    if timezone.now() >= found.expires_at:
        raise Unusable("expired")
    appointment_request = found.appointment_request
    if appointment_request.status != Status.SCHEDULED or not appointment_request.visit_is_on:
        raise Unusable("changed")
    if appointment_request.visit_at <= freed_time.at:
        raise Unusable("changed")


def time_given_by_phone(freed_time):
    """Staff gave the time to someone the usual way (move_to) since it was freed."""
    return FreedTime.visit_booked_at(freed_time.office_id, freed_time.at)


def free_time_of(appointment_request):
    """The open freed time of a cancelled visit, or None (past, too near to offer, or booked
    again). The cancellation recorded it (workflow.move_to); recorded here for a visit
    cancelled before times were recorded automatically."""
    visit = appointment_request.visit
    if appointment_request.status != Status.VISIT_CANCELLED or visit is None:
        return None
    return FreedTime.objects.record(visit.office.pk, visit.at, appointment_request)


def claim(token):
    """Give the offered time to the patient holding the token, if nobody has it yet. Returns the
    offer; raises Unusable otherwise. One transaction: the freed time's row is locked first, so
    concurrent claims queue there and every one after the winner sees it taken."""
    with transaction.atomic():
        found = offer_for(token)
        freed_time = FreedTime.objects.select_for_update().select_related("office").get(pk=found.freed_time_id)
        appointment_request = AppointmentRequest.objects.select_for_update().get(pk=found.appointment_request_id)
        found.appointment_request = appointment_request
        check_open(found, freed_time)
        # by=None: the patient moved it, through their offer (history shows no staff member).
        # The move frees their old time, which can be offered in turn (workflow.move_to).
        move_to(appointment_request, Status.SCHEDULED, by=None, visit=Visit(freed_time.at, freed_time.office))
        freed_time.claimed_by, freed_time.claimed_at = appointment_request, timezone.now()
        freed_time.save(update_fields=["claimed_by", "claimed_at"])
    found.freed_time = freed_time
    return found
