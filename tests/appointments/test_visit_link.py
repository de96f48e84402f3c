"""The patient's signed link: cancel the visit or ask for another time, and every way a link
can be unusable, each answered with a friendly page and the phones, never a 500."""

import datetime

import pytest
from django.core import mail

from appointments import visit_tokens
from appointments.models import AppointmentRequest
from appointments.workflow import move_to

from .conftest import CLINIC_ZONE, THURSDAY, make_request, run_worker, visit_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(medical_center):
    request = make_request(medical_center, status="contacted", callback_language="es")
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    return request


def path_of(request):
    return visit_tokens.link_for(request).removeprefix("http://testserver")


def test_the_link_opens_the_visit_in_the_patients_language_without_an_id_in_it(client, booked):
    path = path_of(booked)
    assert path.startswith("/es/appointments/visit/")
    assert f"/{booked.pk}/" not in path and booked.reference not in path
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ["jueves 3 de diciembre de 2026", "10:00 a. m.", "Medical Center Drive", "No puedo ir, cancélela"]:
        assert expected in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_cancelling_records_the_choice_flags_the_request_and_tells_staff_and_patient(
    client, booked, django_capture_on_commit_callbacks
):
    path = path_of(booked)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"choice": "cancelled"})
    assert response.status_code == 200
    assert "está cancelada" in response.content.decode()
    booked.refresh_from_db()
    assert (booked.status, booked.patient_choice, booked.needs_attention) == ("cancelled", "cancelled", True)
    assert booked.handled_by is None
    run_worker()
    staff, cancellation = sorted(mail.outbox, key=lambda message: message.to[0])
    assert staff.to == ["frontdesk@clinic.test"]
    assert "Cancelled by the patient" in staff.body
    assert "Zuleima" not in staff.body and "Calves" not in staff.body
    assert cancellation.subject.startswith("Cita cancelada")
    # Reused: the same link now only says the answer is known.
    again = client.post(path, {"choice": "another_time"})
    assert again.status_code == 410
    assert "Ya respondió" in again.content.decode()
    booked.refresh_from_db()
    assert booked.patient_choice == "cancelled"


def test_asking_for_another_time_puts_the_request_back_for_a_call(client, booked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path_of(booked), {"choice": "another_time"})
    assert response.status_code == 200
    booked.refresh_from_db()
    assert (booked.status, booked.patient_choice, booked.needs_attention) == ("contacted", "another_time", True)
    run_worker()
    assert [message.to for message in mail.outbox] == [["frontdesk@clinic.test"]]
    assert "Asked for another time" in mail.outbox[0].body


def test_the_front_desks_next_move_clears_the_flag(booked, medical_center):
    move_to(booked, "contacted", by=None, patient_choice="another_time")
    move_to(booked, "scheduled", by=None, visit=visit_on(datetime.date(2026, 12, 4), 9, medical_center))
    booked.refresh_from_db()
    assert (booked.needs_attention, booked.patient_choice) == (False, "another_time")


def test_an_expired_link_gets_a_friendly_page(client, booked, clinic_clock):
    path = path_of(booked)
    clinic_clock.move_to(datetime.datetime(2026, 12, 3, 11, 0, 1, tzinfo=CLINIC_ZONE))  # the visit ended at 11
    response = client.get(path)
    assert response.status_code == 410
    html = response.content.decode()
    assert "ha vencido" in html
    assert "915-260-4598" in html


@pytest.mark.parametrize(
    "mangle", [lambda token: token[:-2] + "xx", lambda token: "nonsense", lambda token: token + "a"]
)
def test_a_tampered_link_gets_a_friendly_page(client, booked, mangle):
    token = visit_tokens.token_for(booked)
    response = client.get(f"/appointments/visit/{mangle(token)}/")
    assert response.status_code == 400
    assert "We could not find the appointment this link is for." in response.content.decode()
    post = client.post(f"/appointments/visit/{mangle(token)}/", {"choice": "cancelled"})
    assert post.status_code == 400
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_a_link_to_a_visit_the_front_desk_cancelled_or_moved(client, booked, medical_center):
    old = path_of(booked)
    move_to(booked, "scheduled", by=None, visit=visit_on(datetime.date(2026, 12, 4), 9, medical_center))
    moved = client.get(old)
    assert moved.status_code == 410
    assert "Esta cita cambió" in moved.content.decode()
    current = path_of(booked)
    move_to(booked, "cancelled", by=None)
    cancelled = client.get(current)
    assert cancelled.status_code == 410
    assert "Esta cita fue cancelada." in cancelled.content.decode()


def test_a_link_to_a_purged_request(client, booked):
    path = path_of(booked)
    AppointmentRequest.objects.filter(pk=booked.pk).delete()
    response = client.get(path)
    assert response.status_code == 400  # its link went with it: as unknown as a forged one
    assert "No encontramos la cita" in response.content.decode()


def test_an_unknown_choice_only_shows_the_page_again(client, booked):
    response = client.post(path_of(booked), {"choice": "delete_everything"})
    assert response.status_code == 200
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_wrong_links_are_limited_per_address_and_a_real_answer_per_link(client, booked, settings):
    settings.APPOINTMENT_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.get("/appointments/visit/forged/").status_code == 400
    assert client.get("/appointments/visit/forged/").status_code == 429
    assert client.post("/appointments/visit/forged/", {"choice": "cancelled"}).status_code == 429
    # The same address (a clinic's shared Wi-Fi) still answers through a real link...
    path = path_of(booked)
    assert client.get(path).status_code == 200
    assert client.post(path, {"choice": "nothing"}).status_code == 200
    assert client.post(path, {"choice": "nothing"}).status_code == 200
    # ...whose own answers are limited: per link.
    assert client.post(path, {"choice": "cancelled"}).status_code == 429
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_a_real_answer_goes_through_after_wrong_links_from_the_same_address(client, booked, settings):
    settings.APPOINTMENT_RATE_LIMIT = "4/h"
    for _ in range(4):
        client.get("/appointments/visit/forged/")
    client.post("/appointments/visit/forged/", {"choice": "cancelled"})
    assert client.post(path_of(booked), {"choice": "cancelled"}).status_code == 200
    booked.refresh_from_db()
    assert booked.status == "cancelled"


def test_a_visit_closed_as_booked_can_still_be_cancelled_from_the_link(client, booked):
    move_to(booked, "closed", by=None, closing_reason="booked")
    response = client.post(path_of(booked), {"choice": "cancelled"})
    assert response.status_code == 200
    booked.refresh_from_db()
    assert (booked.status, booked.patient_choice, booked.closed_at) == ("cancelled", "cancelled", None)


def test_the_token_is_random_and_kept_only_as_its_digest(booked):
    import hashlib

    from appointments.models import VisitLink

    first, second = (path_of(booked).split("/")[-2] for _ in range(2))
    assert first != second  # each e-mail its own link
    for token in (first, second):
        # 32 random bytes, not a signed payload naming the request and the visit's time.
        assert len(token) == 43 and ":" not in token and not token.startswith("eyJ")
    stored = VisitLink.objects.filter(appointment_request=booked)
    assert {link.digest for link in stored} == {hashlib.sha256(token.encode()).hexdigest() for token in (first, second)}
    assert not any(token in str(vars(link)) for link in stored for token in (first, second))
