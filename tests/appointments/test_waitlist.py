"""The waitlist: who opts in on the form, and whom a freed time could suit, in which order
(appointments/waitlist.py)."""

import datetime

import pytest
from django.utils import translation

from appointments import waitlist
from appointments.forms import AppointmentRequestForm
from appointments.models import AppointmentRequest, FreedTime, WaitlistOffer
from appointments.visit_tokens import digest_of
from appointments.workflow import move_to

from .conftest import CLINIC_ZONE, NOW, THURSDAY, form_data, make_request, visit_on

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 12, 4)
MONDAY = datetime.date(2026, 12, 7)


def waitlisted(office, day=MONDAY, hour=10, earlier_time="this_office", preferred_time="any", received=None, **fields):
    answers = {"earlier_time": earlier_time, "preferred_time": preferred_time}
    request = make_request(office, status="contacted", received=received, **answers, **fields)
    move_to(request, "scheduled", by=None, visit=visit_on(day, hour, office))
    return request


def freed(office, day=THURSDAY, hour=10):
    return FreedTime.objects.create(office=office, at=datetime.datetime.combine(day, datetime.time(hour), CLINIC_ZONE))


# --- Opting in on the form --------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["", "this_office", "either_office"])
def test_the_earlier_time_question_is_optional_and_stored(medical_center, answer):
    form = AppointmentRequestForm(data=form_data(medical_center, earlier_time=answer or None))
    assert form.is_valid(), form.errors
    assert form.save(commit=False).earlier_time == answer


def test_a_forged_earlier_time_answer_gets_a_plain_message(medical_center):
    with translation.override("en"):
        form = AppointmentRequestForm(data=form_data(medical_center, earlier_time="every_office"))
        assert form.errors["earlier_time"] == ["Please choose one of the answers about an earlier time."]


def test_the_form_asks_in_spanish_too(client, medical_center):
    html = client.get("/es/appointments/request/").content.decode()
    assert "Llámenme si se libera una hora más temprano" in html
    assert "Sí, en cualquiera de los consultorios" in html


def test_a_posted_form_stores_the_answer(client, medical_center):
    response = client.post("/appointments/request/", form_data(medical_center, earlier_time="either_office"))
    assert response.status_code == 303
    assert AppointmentRequest.objects.get().earlier_time == "either_office"


def test_only_scheduled_patients_who_opted_in_are_on_the_waitlist(medical_center):
    on = waitlisted(medical_center)
    waitlisted(medical_center, earlier_time="")  # did not opt in
    make_request(medical_center, earlier_time="this_office")  # not scheduled yet
    cancelled = waitlisted(medical_center)
    move_to(cancelled, "cancelled", by=None)
    assert list(AppointmentRequest.objects.waitlisted()) == [on]


# --- Whom a freed time could suit ---------------------------------------------------------------


def test_only_later_visits_are_offered_an_earlier_time(medical_center):
    later = waitlisted(medical_center, day=FRIDAY)
    waitlisted(medical_center, day=THURSDAY, hour=9)  # earlier than the freed time
    waitlisted(medical_center, day=THURSDAY, hour=10, preferred_time="morning")  # the same time
    assert list(waitlist.candidates_for(freed(medical_center, THURSDAY, 11))) == [later]


def test_another_office_only_for_patients_who_accept_either(medical_center, dean_martin):
    either = waitlisted(dean_martin, earlier_time="either_office")
    waitlisted(dean_martin, earlier_time="this_office")
    own = waitlisted(medical_center, earlier_time="this_office")
    assert set(waitlist.candidates_for(freed(medical_center))) == {either, own}


def test_the_time_of_day_must_match_the_preferred_time(medical_center):
    morning = waitlisted(medical_center, preferred_time="morning")
    afternoon = waitlisted(medical_center, preferred_time="afternoon")
    any_time = waitlisted(medical_center, preferred_time="any")
    assert set(waitlist.candidates_for(freed(medical_center, hour=10))) == {morning, any_time}
    assert set(waitlist.candidates_for(freed(medical_center, hour=14))) == {afternoon, any_time}


def test_the_earliest_request_comes_first(medical_center):
    second = waitlisted(medical_center, received=NOW - datetime.timedelta(days=2))
    first = waitlisted(medical_center, received=NOW - datetime.timedelta(days=5))
    third = waitlisted(medical_center, received=NOW - datetime.timedelta(days=1))
    assert list(waitlist.candidates_for(freed(medical_center))) == [first, second, third]


def test_patients_offered_something_lately_come_after_the_others(medical_center, settings):
    settings.APPOINTMENT_WAITLIST_RECENT_OFFER_DAYS = 7
    lately = waitlisted(medical_center, received=NOW - datetime.timedelta(days=9))
    long_ago = waitlisted(medical_center, received=NOW - datetime.timedelta(days=8))
    never = waitlisted(medical_center, received=NOW - datetime.timedelta(days=1))
    earlier = freed(medical_center, hour=9)
    waitlist.offer(earlier, lately)
    old_offer = waitlist.offer(earlier, long_ago)
    WaitlistOffer.objects.filter(digest=digest_of(old_offer)).update(offered_at=NOW - datetime.timedelta(days=8))
    assert list(waitlist.candidates_for(freed(medical_center, hour=10))) == [long_ago, never, lately]


def test_a_patient_is_offered_one_freed_time_once(medical_center):
    patient = waitlisted(medical_center)
    time = freed(medical_center)
    waitlist.offer(time, patient)
    assert list(waitlist.candidates_for(time)) == []


def test_the_offer_keeps_only_a_digest_and_expires_two_hours_before_the_time(medical_center):
    time = freed(medical_center, hour=10)
    token = waitlist.offer(time, waitlisted(medical_center))
    stored = WaitlistOffer.objects.get()
    assert stored.digest == digest_of(token) and token not in stored.digest
    assert stored.expires_at == time.at - datetime.timedelta(hours=2)
