"""The packet's link (packets/links.py): opaque, kept as a digest, in the patient's language, and
working while the visit stands until it ends, whichever e-mail it came in."""

import datetime

import pytest

from appointments.models import Visit
from appointments.visit_tokens import digest_of
from appointments.workflow import move_to
from packets import links
from packets.models import PacketLink

from . import test_pages_fixtures as shared
from .test_pages_fixtures import VISIT_AT

booked, clinic_clock = shared.booked, shared.clinic_clock

pytestmark = pytest.mark.django_db


def token_of(link):
    return link.rstrip("/").rsplit("/", 1)[1]


def test_the_link_is_opaque_in_the_callback_language_and_only_its_digest_is_kept(booked):
    booked.callback_language = "es"
    booked.save()
    link = links.link_for(booked)
    assert link.startswith("http://testserver/es/appointments/prepare/")
    token = token_of(link)
    assert len(token) == 43 and f"/{booked.pk}/" not in link and booked.reference not in link
    (stored,) = PacketLink.objects.filter(appointment_request=booked)
    assert stored.digest == digest_of(token) and token not in stored.digest


def test_every_link_sent_works_until_the_visit_ends(booked, clinic_clock):
    first, second = token_of(links.link_for(booked)), token_of(links.link_for(booked))
    assert first != second
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(minutes=59, seconds=59))
    assert links.request_for(first) == booked and links.request_for(second) == booked
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(minutes=60))
    for token in (first, second):
        with pytest.raises(links.Unusable) as refused:
            links.request_for(token)
        assert refused.value.reason == "expired"


def test_reuse_after_the_visit_is_refused_even_days_later(booked, clinic_clock):
    token = token_of(links.link_for(booked))
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(days=10))
    with pytest.raises(links.Unusable, match="expired"):
        links.request_for(token)


def test_a_moved_visit_keeps_the_link_until_its_new_end(booked, medical_center, clinic_clock):
    token = token_of(links.link_for(booked))
    later = VISIT_AT + datetime.timedelta(days=1)
    move_to(booked, "scheduled", by=None, visit=Visit(later, medical_center), correction=True)
    clinic_clock.move_to(VISIT_AT + datetime.timedelta(hours=2))
    assert links.request_for(token) == booked


def test_a_cancelled_visit_refuses_the_link(booked):
    token = token_of(links.link_for(booked))
    move_to(booked, "cancelled", by=None)
    with pytest.raises(links.Unusable, match="cancelled"):
        links.request_for(token)


@pytest.mark.parametrize("token", ["", "short", "A" * 43, "A" * 42 + "!", "../" * 15])
def test_unknown_and_malformed_tokens_are_invalid(booked, token):
    links.link_for(booked)
    with pytest.raises(links.Unusable, match="invalid"):
        links.request_for(token)


def test_a_purged_request_takes_its_links_with_it(booked):
    token = token_of(links.link_for(booked))
    booked.delete()
    with pytest.raises(links.Unusable, match="invalid"):
        links.request_for(token)
