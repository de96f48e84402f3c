"""The patient's offer of an earlier time: "Yes, give me this time", the first claim wins, the
others see it taken with the phones; the winner's visit moves (update e-mail and .ics) and
their old time is freed in turn."""

import datetime

import pytest

from appointments import waitlist
from appointments.models import AppointmentRequest, FreedTime, Status
from appointments.workflow import move_to
from tests.smtp import message_text

from .conftest import CLINIC_ZONE, PATIENT, THURSDAY, make_request, visit_on
from .test_visit_mail import calendar_of, event_of, flush

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)
TEN_ON_THURSDAY = datetime.datetime(2026, 12, 3, 10, tzinfo=CLINIC_ZONE)


def waitlisted(office, callback_language="en", earlier_time="either_office", **fields):
    request = make_request(
        office, status="contacted", earlier_time=earlier_time, callback_language=callback_language, **fields
    )
    move_to(request, "scheduled", by=None, visit=visit_on(MONDAY, 10, office))
    return request


@pytest.fixture
def freed_time(medical_center):
    return FreedTime.objects.create(office=medical_center, at=TEN_ON_THURSDAY)


def path_of(freed_time, request):
    return waitlist.offer_link(request, waitlist.offer(freed_time, request)).removeprefix("http://testserver")


def test_the_offer_opens_in_the_patients_language_with_one_button_and_no_id(client, freed_time, medical_center):
    request = waitlisted(medical_center, callback_language="es")
    path = path_of(freed_time, request)
    assert path.startswith("/es/appointments/earlier-time/")
    assert f"/{request.pk}/" not in path and request.reference not in path
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ["jueves 3 de diciembre de 2026", "10:00 a. m.", "Medical Center Drive", "Sí, quiero esta hora"]:
        assert expected in html
    assert '<form method="post"' in html  # a plain form: claiming needs no JavaScript
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    for detail in [PATIENT["first_name"], PATIENT["last_name"], PATIENT["message"]]:
        assert detail not in html


def test_the_first_claim_moves_the_visit_and_frees_the_old_time(client, freed_time, medical_center, dean_martin):
    first = waitlisted(dean_martin)
    second = waitlisted(medical_center)
    first_path, second_path = path_of(freed_time, first), path_of(freed_time, second)

    response = client.post(first_path)
    assert response.status_code == 200
    assert "This time is yours" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.visit_at, first.visit_office) == (Status.SCHEDULED, TEN_ON_THURSDAY, medical_center)
    assert first.handled_by is None
    freed_time.refresh_from_db()
    assert freed_time.claimed_by == first
    old = FreedTime.objects.get(freed_by=first)
    assert (old.office, old.at) == (dean_martin, visit_on(MONDAY, 10, dean_martin).at)

    taken = client.get(second_path)
    assert taken.status_code == 410
    html = taken.content.decode()
    assert "Another patient took this time first" in html
    assert "915-260-4598" in html  # the offices' phones
    assert client.post(second_path).status_code == 410
    second.refresh_from_db()
    assert second.visit_at == visit_on(MONDAY, 10, medical_center).at
    assert AppointmentRequest.objects.filter(visit_at=TEN_ON_THURSDAY).count() == 1


def test_the_claim_sends_the_update_with_the_same_uid_and_a_higher_sequence(
    client, freed_time, medical_center, smtp_server, django_capture_on_commit_callbacks
):
    holder = {}
    flush(django_capture_on_commit_callbacks, lambda: holder.setdefault("request", waitlisted(medical_center)))
    request = holder["request"]
    path = path_of(freed_time, request)
    [confirmation] = smtp_server.to(PATIENT["email"])
    flush(django_capture_on_commit_callbacks, lambda: client.post(path))
    update = smtp_server.to(PATIENT["email"])[-1]
    assert update["subject"] == "Appointment changed: Desert West Vein & Surgery Center"
    assert "Thursday, December 3, 2026" in message_text(update)
    booked, moved = event_of(calendar_of(confirmation)), event_of(calendar_of(update))
    assert moved["UID"] == booked["UID"]
    assert moved["SEQUENCE"] > booked["SEQUENCE"]
    assert moved.decoded("DTSTART") == TEN_ON_THURSDAY


def test_an_offer_expires_two_hours_before_the_time(client, freed_time, medical_center, clinic_clock):
    path = path_of(freed_time, waitlisted(medical_center))
    clinic_clock.move_to((TEN_ON_THURSDAY - datetime.timedelta(hours=2, seconds=1)).astimezone(datetime.UTC))
    assert client.get(path).status_code == 200
    clinic_clock.move_to((TEN_ON_THURSDAY - datetime.timedelta(hours=2)).astimezone(datetime.UTC))
    response = client.post(path)
    assert response.status_code == 410
    assert "This offer has expired" in response.content.decode()
    assert FreedTime.objects.get().claimed_by is None


def test_a_time_given_by_phone_meanwhile_is_taken(client, freed_time, medical_center):
    path = path_of(freed_time, waitlisted(medical_center))
    by_phone = make_request(medical_center, status="contacted")
    move_to(by_phone, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    response = client.post(path)
    assert response.status_code == 410
    assert "Another patient took this time first" in response.content.decode()
    assert AppointmentRequest.objects.filter(visit_at=TEN_ON_THURSDAY).get() == by_phone


def test_a_patient_who_cancelled_since_cannot_claim(client, freed_time, medical_center):
    request = waitlisted(medical_center)
    path = path_of(freed_time, request)
    move_to(request, "cancelled", by=None)
    response = client.post(path)
    assert response.status_code == 410
    assert "Your appointment has changed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.VISIT_CANCELLED
    freed_time.refresh_from_db()
    assert freed_time.claimed_by is None
    # Their cancellation freed their own Monday time for the others.
    assert FreedTime.objects.get(freed_by=request).at == visit_on(MONDAY, 10, medical_center).at


@pytest.mark.parametrize("token", ["nope", "A" * 43, "A\x00" * 20, "%00"])
def test_a_wrong_token_is_a_400_with_the_phones(client, token):
    response = client.get(f"/appointments/earlier-time/{token}/")
    assert response.status_code == 400
    assert "We could not find the offer" in response.content.decode()


def test_the_taken_page_in_spanish(client, freed_time, medical_center):
    winner, other = waitlisted(medical_center), waitlisted(medical_center, callback_language="es")
    winner_path, other_path = path_of(freed_time, winner), path_of(freed_time, other)
    client.post(winner_path)
    html = client.get(other_path).content.decode()
    assert "Otro paciente tomó esta hora primero" in html


def test_a_patient_leaves_the_waitlist_from_the_visit_page(client, freed_time, medical_center):
    from appointments import visit_tokens

    request = waitlisted(medical_center, callback_language="es")
    path = visit_tokens.link_for(request).removeprefix("http://testserver")
    assert "Salir de la lista de espera" in client.get(path).content.decode()
    response = client.post(path, {"choice": "leave_waitlist"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ya no está en la lista de espera" in html and "Salir de la lista de espera" not in html
    request.refresh_from_db()
    assert (request.earlier_time, request.status, request.needs_attention) == ("", Status.SCHEDULED, False)
    assert list(waitlist.candidates_for(freed_time)) == []


def test_the_visit_page_offers_no_waitlist_button_to_a_patient_not_on_it(client, medical_center):
    from appointments import visit_tokens

    request = waitlisted(medical_center, earlier_time="")
    html = client.get(visit_tokens.link_for(request).removeprefix("http://testserver")).content.decode()
    assert "Leave the waitlist" not in html
