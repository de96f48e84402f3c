"""The freed times' admin: the list (time, office, freed when, offers, claimed), and from each
time the waitlisted patients it could suit and "Send offers to the next N", for the front desk
only, each page that shows patients in the access record."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from appointments.models import FreedTime, WaitlistOffer
from appointments.workflow import move_to
from staff.models import AccessRecord

from .conftest import NOW, THURSDAY, make_request, run_worker, visit_on, waitlisted

pytestmark = pytest.mark.django_db

LIST = "/admin/appointments/freedtime/"
MONDAY = datetime.date(2026, 12, 7)


def page(freed_time):
    return f"{LIST}{freed_time.pk}/change/"


def send(freed_time):
    return f"{LIST}{freed_time.pk}/send-offers/"


@pytest.fixture
def freed(medical_center):
    """Thursday 10:00 at Medical Center Drive, freed by a staff cancellation."""
    request = make_request(medical_center, status="contacted", email="")
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    move_to(request, "cancelled", by=None)
    return FreedTime.objects.get()


def listed_rows(response):
    return [str(row) for row in response.context_data["cl"].result_list]


# --- Who may see it -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["list", "page", "send"])
def test_editors_get_403(editor_client, freed, where):
    url = {"list": LIST, "page": page(freed), "send": send(freed)}[where]
    response = editor_client.post(url) if where == "send" else editor_client.get(url)
    assert response.status_code == 403
    assert WaitlistOffer.objects.count() == 0


def test_signed_out_visitors_are_sent_to_the_login(client, freed):
    response = Client().get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_front_desk_sees_the_list_but_cannot_add_edit_or_delete(front_desk_client, freed):
    html = front_desk_client.get(LIST).content.decode()
    assert "Thu, Dec 3, 10 a.m." in html and "Medical Center Drive" in html
    assert front_desk_client.get(f"{LIST}add/").status_code == 403
    assert front_desk_client.get(f"{LIST}{freed.pk}/delete/").status_code == 403
    response = front_desk_client.get(page(freed))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_offers_and_who_claimed_when(front_desk_client, freed, medical_center, dean_martin):
    patients = [waitlisted(medical_center, number) for number in range(1, 3)]
    front_desk_client.post(send(freed))
    response = front_desk_client.get(LIST)
    [row] = response.context_data["cl"].result_list
    assert row.offered == 2
    assert "Open" in response.content.decode()
    winner = patients[0]
    FreedTime.objects.filter(pk=freed.pk).update(claimed_by=winner, claimed_at=NOW)
    html = front_desk_client.get(LIST).content.decode()
    assert winner.display_reference in html
    # The list names no patient, and records the references it shows.
    assert "Pat1" not in html
    assert AccessRecord.objects.filter(reference=winner.reference, action="listed").exists()


def test_the_list_filters_by_office_and_state(front_desk_client, freed, medical_center, dean_martin):
    other = make_request(dean_martin, status="contacted")
    move_to(other, "scheduled", by=None, visit=visit_on(MONDAY, 10, dean_martin))
    move_to(other, "cancelled", by=None)
    claimed = FreedTime.objects.get(office=dean_martin)
    FreedTime.objects.filter(pk=claimed.pk).update(claimed_by=other, claimed_at=NOW)
    too_near = FreedTime.objects.create(office=medical_center, at=NOW + datetime.timedelta(hours=1))
    by_office = front_desk_client.get(LIST, {"office__id__exact": dean_martin.pk})
    assert listed_rows(by_office) == [str(claimed)]
    assert listed_rows(front_desk_client.get(LIST, {"state": "open"})) == [str(freed)]
    assert listed_rows(front_desk_client.get(LIST, {"state": "claimed"})) == [str(claimed)]
    assert listed_rows(front_desk_client.get(LIST, {"state": "closed"})) == [str(too_near)]


# --- One freed time: the waitlist and the offers -----------------------------------------------


def test_the_page_lists_the_patients_it_could_suit_and_records_them(front_desk_client, freed, medical_center):
    suited = waitlisted(medical_center, 1)
    not_on_it = waitlisted(medical_center, 2, earlier_time="")
    response = front_desk_client.get(page(freed))
    html = response.content.decode()
    assert "Pat1" in html and "Pat2" not in html
    assert "Send offers to the next 3" in html
    assert WaitlistOffer.objects.count() == 0  # nothing sent by opening the page
    records = AccessRecord.objects.filter(action="listed", username="frontdesk")
    assert suited.reference in set(records.values_list("reference", flat=True))
    assert not records.filter(reference=not_on_it.reference).exists()


def test_sending_offers_the_next_batch_each_time(
    front_desk_client, freed, medical_center, settings, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_WAITLIST_BATCH = 3
    patients = [waitlisted(medical_center, number) for number in range(1, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(send(freed))
    assert response.status_code == 302 and response["Location"] == page(freed)
    offered = list(WaitlistOffer.objects.order_by("pk").values_list("appointment_request", flat=True))
    assert offered == [patient.pk for patient in patients[:3]]
    [message] = get_messages(response.wsgi_request)
    assert "offered to 3 patient(s)" in str(message)
    front_desk_client.post(send(freed))
    offered = list(WaitlistOffer.objects.order_by("pk").values_list("appointment_request", flat=True))
    assert offered == [patient.pk for patient in patients]  # the next batch: the two left
    html = front_desk_client.get(page(freed)).content.decode()
    assert "No waitlisted patient matches this time." in html
    assert all(patient.display_reference in html for patient in patients)  # under "Offers sent"


def test_a_get_sends_nothing(front_desk_client, freed, medical_center):
    waitlisted(medical_center, 1)
    assert front_desk_client.get(send(freed)).status_code == 302
    assert WaitlistOffer.objects.count() == 0


def test_a_time_given_by_phone_since_cannot_be_offered(front_desk_client, freed, medical_center):
    waitlisted(medical_center, 1)
    by_phone = make_request(medical_center, status="contacted")
    move_to(by_phone, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    html = front_desk_client.get(page(freed)).content.decode()
    assert "This time can no longer be offered" in html and "Send offers" not in html
    front_desk_client.post(send(freed))
    assert WaitlistOffer.objects.count() == 0
    assert "a visit was booked there since" in front_desk_client.get(LIST).content.decode()


def test_the_winners_old_time_can_be_offered_in_turn(
    front_desk_client, freed, medical_center, django_capture_on_commit_callbacks, smtp_server
):
    winner = waitlisted(medical_center, 1, day=datetime.date(2026, 12, 4))  # Friday 9:01
    later = waitlisted(medical_center, 2)  # Monday 9:02: Friday suits them too
    with django_capture_on_commit_callbacks(execute=True):
        front_desk_client.post(send(freed))
    run_worker()
    [offer_mail] = smtp_server.to("patient1@example.com")
    [link] = re.findall(r"http://testserver(/appointments/earlier-time/[^/\s]+/)", offer_mail.get_payload())
    assert Client().post(link).status_code == 200
    old = FreedTime.objects.get(freed_by=winner)
    assert old.at == visit_on(datetime.date(2026, 12, 4), 9, medical_center, minute=1).at
    assert listed_rows(front_desk_client.get(LIST, {"state": "open"})) == [str(old)]
    assert later.patient_name.split()[0] in front_desk_client.get(page(old)).content.decode()
    front_desk_client.post(send(old))
    assert WaitlistOffer.objects.filter(freed_time=old, appointment_request=later).exists()


def test_the_offer_action_page_records_the_patients_it_lists(front_desk_client, freed, medical_center):
    suited = waitlisted(medical_center, 1)
    data = {"action": "offer_freed_time", "_selected_action": [str(freed.freed_by_id)]}
    assert front_desk_client.post("/admin/appointments/appointmentrequest/", data).status_code == 200
    assert AccessRecord.objects.filter(action="listed", reference=suited.reference).exists()
