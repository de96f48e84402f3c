"""Staff offer a cancelled visit's time to the waitlist: the admin action shows the patients it
could suit, then e-mails an offer to the next batch through the task queue (offer_mail.py)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from appointments.models import FreedTime, WaitlistOffer
from appointments.workflow import move_to
from tests.smtp import message_text

from .conftest import THURSDAY, make_request, run_worker, visit_on, waitlisted
from .test_visit_mail import FREE_TEXT

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"


def action(client, requests, **extra):
    data = {"action": "offer_freed_time", "_selected_action": [str(request.pk) for request in requests], **extra}
    return client.post(CHANGELIST, data)


@pytest.fixture
def cancelled(medical_center):
    request = make_request(medical_center, status="contacted", email="")
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    move_to(request, "cancelled", by=None)
    return request


def test_the_action_shows_the_patients_the_time_could_suit(front_desk_client, cancelled, medical_center):
    waitlisted(medical_center, 1)
    waitlisted(medical_center, 2, earlier_time="")  # not on the waitlist
    response = action(front_desk_client, [cancelled])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pat1" in html and "Pat2" not in html
    assert "Send offers to the next 3" in html
    assert WaitlistOffer.objects.count() == 0  # nothing sent before staff confirm


def test_offers_go_to_the_next_batch_by_email_in_the_patients_language(
    front_desk_client, cancelled, medical_center, smtp_server, django_capture_on_commit_callbacks
):
    patients = [waitlisted(medical_center, number, callback_language="es") for number in range(1, 5)]
    with django_capture_on_commit_callbacks(execute=True):
        response = action(front_desk_client, [cancelled], apply="yes")
    assert response.status_code == 302
    offered = set(WaitlistOffer.objects.values_list("appointment_request", flat=True))
    assert offered == {patient.pk for patient in patients[:3]}  # the batch: first come, first served
    run_worker()
    [message] = smtp_server.to("patient1@example.com")
    assert smtp_server.to("patient4@example.com") == []
    text = message_text(message)
    assert message["subject"].strip() == "Una hora más temprano para su cita: Desert West Vein & Surgery Center"
    for expected in ["jueves 3 de diciembre de 2026", "10:00 a. m.", "Medical Center Drive", "8:00 a. m."]:
        assert expected in text
    for detail in FREE_TEXT:
        assert detail not in text, detail
    # The link in the e-mail claims the time.
    [link] = re.findall(r"http://testserver(/es/appointments/earlier-time/[^/\s]+/)", text)
    assert Client().post(link).status_code == 200
    patients[0].refresh_from_db()
    assert patients[0].visit_at == visit_on(THURSDAY, 10, medical_center).at
    assert FreedTime.objects.get(at=patients[0].visit_at).claimed_by == patients[0]


def test_the_queue_holds_no_working_link(
    front_desk_client, cancelled, medical_center, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    waitlisted(medical_center, 1)
    with django_capture_on_commit_callbacks(execute=True):
        action(front_desk_client, [cancelled], apply="yes")
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [WaitlistOffer.objects.get().pk]


def test_a_request_without_a_cancelled_visit_is_refused_with_a_message(front_desk_client, medical_center):
    request = waitlisted(medical_center, 1)
    response = action(front_desk_client, [request])
    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert "None of these requests has a cancelled visit still to come" in str(message)
    assert FreedTime.objects.count() == 0


def test_nobody_is_offered_a_time_already_claimed(front_desk_client, cancelled, medical_center):
    waitlisted(medical_center, 1)
    claimant = waitlisted(medical_center, 2)
    freed = FreedTime.objects.get()  # recorded by the cancellation
    move_to(claimant, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    FreedTime.objects.filter(pk=freed.pk).update(claimed_by=claimant, claimed_at=freed.freed_at)
    response = action(front_desk_client, [cancelled], apply="yes")
    [message] = get_messages(response.wsgi_request)
    assert "None of these requests has a cancelled visit still to come" in str(message)
    # The claimant's old Monday time was freed by their move; the Thursday time is not again.
    assert FreedTime.objects.filter(at=freed.at).get() == freed
    assert WaitlistOffer.objects.count() == 0
