"""A page older than the request's last change cannot save over it (optimistic locking): the
patient's cancellation through their link is never undone by a page staff opened before it."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from appointments import visit_tokens
from appointments.models import AppointmentRequest
from appointments.workflow import move_to

from .conftest import THURSDAY, make_request, queued_tasks, visit_on

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"


@pytest.fixture
def booked(medical_center, django_capture_on_commit_callbacks):
    request = make_request(medical_center, status="contacted")
    with django_capture_on_commit_callbacks(execute=True):
        move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    return request


def patient_cancels(request, django_capture_on_commit_callbacks):
    path = visit_tokens.link_for(request).removeprefix("http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(path, {"choice": "cancelled"}).status_code == 200


def page_fields(html):
    """What the browser would send back from the change page: its inputs and chosen options."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    for name in ("status", "closing_reason"):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        fields[name] = chosen.group(1) if chosen else ""
    fields["staff_notes"] = re.search(r'<textarea name="staff_notes"[^>]*>\n?([^<]*)</textarea>', html).group(1)
    return fields


def test_a_stale_change_page_cannot_undo_the_patients_cancellation(
    front_desk_client, booked, django_capture_on_commit_callbacks
):
    page = front_desk_client.get(f"{CHANGELIST}{booked.pk}/change/").content.decode()
    patient_cancels(booked, django_capture_on_commit_callbacks)
    mails_before = len(queued_tasks())
    form = {**page_fields(page), "staff_notes": "Called, left a voicemail"}
    assert form["status"] == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(f"{CHANGELIST}{booked.pk}/change/", form)
    assert response.status_code == 200
    text = response.content.decode()
    assert "changed after this page was opened" in text
    assert "the status, the patient&#x27;s answer through their link" in text
    assert "Visit cancelled" in text
    booked.refresh_from_db()
    assert (booked.status, booked.needs_attention, booked.staff_notes) == ("cancelled", True, "")
    assert len(queued_tasks()) == mails_before  # no "Appointment changed" for a visit they cancelled

    # Reloaded, the page saves as usual.
    fresh = page_fields(front_desk_client.get(f"{CHANGELIST}{booked.pk}/change/").content.decode())
    response = front_desk_client.post(f"{CHANGELIST}{booked.pk}/change/", {**fresh, "staff_notes": "Noted"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.status, booked.staff_notes) == ("cancelled", "Noted")


def test_an_action_from_a_stale_list_leaves_the_changed_request_alone(
    front_desk_client, booked, medical_center, django_capture_on_commit_callbacks
):
    other = make_request(medical_center)
    listing = front_desk_client.get(CHANGELIST).content.decode()
    seen = re.findall(r'<input type="hidden" name="_seen" value="([^"]*)"', listing)
    assert len(seen) == 2
    patient_cancels(booked, django_capture_on_commit_callbacks)
    data = {"action": "mark_contacted", "_selected_action": [str(booked.pk), str(other.pk)], "_seen": seen}
    response = front_desk_client.post(CHANGELIST, data, follow=True)
    text = response.content.decode()
    assert f"{booked.display_reference} changed after this page was opened" in text
    assert "It was left as it was" in text
    assert "1 request(s) marked contacted." in text
    booked.refresh_from_db()
    other.refresh_from_db()
    assert (booked.status, other.status) == ("cancelled", "contacted")

    # The schedule action's second page carries what the list showed, so it is refused too.
    listing = front_desk_client.get(CHANGELIST).content.decode()
    seen = re.findall(r'<input type="hidden" name="_seen" value="([^"]*)"', listing)
    booked_again = AppointmentRequest.objects.get(pk=booked.pk)
    booked_again.staff_notes = "Another colleague's note"
    booked_again.save()
    data = {"action": "mark_scheduled", "_selected_action": [str(booked.pk)], "_seen": seen}
    second_page = front_desk_client.post(CHANGELIST, data).content.decode()
    assert second_page.count('name="_seen"') == 2
    visit = {"date": "2026-12-03", "time": "11:00", "office": str(medical_center.pk), "apply": "yes"}
    response = front_desk_client.post(CHANGELIST, {**data, **visit}, follow=True)
    assert "the staff notes" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == "cancelled"


def test_every_save_raises_the_version(booked):
    version = AppointmentRequest.objects.get(pk=booked.pk).version
    booked.staff_notes = "x"
    booked.save()
    assert AppointmentRequest.objects.get(pk=booked.pk).version == version + 1


def test_a_tampered_token_is_no_error(front_desk_client, booked):
    page = page_fields(front_desk_client.get(f"{CHANGELIST}{booked.pk}/change/").content.decode())
    response = front_desk_client.post(f"{CHANGELIST}{booked.pk}/change/", {**page, "seen": "garbage"})
    assert response.status_code == 302


def panel_seen(html):
    """The token each of the request page's action panels sends back."""
    return set(re.findall(r'<input type="hidden" name="_seen" value="([^"]*)"', html))


def test_the_request_pages_panels_refuse_a_move_from_a_stale_page(
    front_desk_client, booked, medical_center, django_capture_on_commit_callbacks
):
    page = front_desk_client.get(f"{CHANGELIST}{booked.pk}/change/").content.decode()
    [seen] = panel_seen(page)  # schedule, cancel and close carry the same one
    patient_cancels(booked, django_capture_on_commit_callbacks)
    mails_before = len(queued_tasks())

    move = {"schedule-date": "2026-12-03", "schedule-time": "11:00", "schedule-office": str(medical_center.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(f"{CHANGELIST}{booked.pk}/schedule/", {**move, "_seen": seen})
    assert response.status_code == 400
    text = response.content.decode()
    assert f"{booked.display_reference} changed after this page was opened" in text
    assert "the patient&#x27;s answer through their link" in text
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert len(queued_tasks()) == mails_before

    response = front_desk_client.post(
        f"{CHANGELIST}{booked.pk}/close/", {"close-closing_reason": "booked", "_seen": seen}
    )
    booked.refresh_from_db()
    assert booked.status == "cancelled"

    # The page as it is now: the same panel moves the request.
    [fresh] = panel_seen(front_desk_client.get(f"{CHANGELIST}{booked.pk}/change/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(f"{CHANGELIST}{booked.pk}/schedule/", {**move, "_seen": fresh})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.status, timezone.localtime(booked.visit_at).hour) == ("scheduled", 11)
