"""The packet for the front desk: the status on the requests, the coming-visits filter, the
summary with its photos, the FHIR download and "entered into our records", each view recorded;
and nobody else (editors, anonymous visitors) reaching any of it."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from appointments.models import Status
from packets import files
from packets.models import Packet
from staff.models import AccessRecord
from tests.conftest import clinic_time, travel_to

from .staff_packets import ANSWERS, booked_request, make_packet

pytestmark = pytest.mark.django_db

REQUESTS = "/admin/appointments/appointmentrequest/"
PACKETS = "/admin/packets/packet/"


@pytest.fixture
def packet(medical_center):
    return make_packet(booked_request(medical_center))


def packet_urls(packet):
    base = f"{PACKETS}{packet.pk}/"
    return [PACKETS, f"{base}change/", f"{base}photo/card_front/", f"{base}photo/photo_id/", f"{base}fhir/"]


def lines(action):
    return list(AccessRecord.objects.filter(action=action).values_list("username", "reference", "detail"))


# --- the status on the requests ---------------------------------------------------------------------


def test_the_request_list_shows_each_packets_status(front_desk_client, medical_center):
    complete = make_packet(booked_request(medical_center), images=[]).appointment_request
    started = make_packet(booked_request(medical_center), status=Packet.Status.IN_PROGRESS, images=[])
    none = booked_request(medical_center)
    response = front_desk_client.get(REQUESTS)
    rows = {row.pk: row for row in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert admin.packet_status(rows[complete.pk]) == "complete"
    assert admin.packet_status(rows[started.appointment_request_id]) == "in progress"
    assert admin.packet_status(rows[none.pk]) == "not started"
    assert ">Packet</a>" in response.content.decode() or ">Packet</span>" in response.content.decode()


def test_the_call_list_leaves_the_packet_to_the_requests_page(front_desk_client, medical_center):
    make_packet(booked_request(medical_center), images=[])
    everything = front_desk_client.get(REQUESTS).context["cl"].list_display
    call_list = front_desk_client.get(f"{REQUESTS}?queue=call").context["cl"].list_display
    assert "packet_status" in everything
    assert "packet_status" not in call_list
    assert set(call_list) == set(everything) - {"packet_status"}


def test_the_request_list_reads_no_packet_answers(front_desk_client, medical_center, django_assert_max_num_queries):
    for _ in range(3):
        make_packet(booked_request(medical_center), images=[])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert front_desk_client.get(REQUESTS).status_code == 200
    assert not [query for query in queries if "answers_encrypted" in query["sql"]]


def test_the_requests_page_has_the_packet_line_and_its_link(front_desk_client, packet):
    response = front_desk_client.get(f"{REQUESTS}{packet.appointment_request_id}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>Packet</dt><dd>Complete" in html
    assert f'href="{PACKETS}{packet.pk}/change/">Open the packet</a>' in html


def test_a_request_without_packet_says_not_started(front_desk_client, medical_center):
    request = booked_request(medical_center)
    html = front_desk_client.get(f"{REQUESTS}{request.pk}/change/").content.decode()
    assert "<dt>Packet</dt><dd>Not started" in html
    assert "Open the packet" not in html


def test_the_filter_finds_visits_in_the_next_three_business_days_without_a_complete_packet(
    front_desk_client, medical_center
):
    # Thursday morning: the next three business days end Tuesday night.
    with travel_to(clinic_time(2026, 12, 3, 9)):
        none_friday = booked_request(medical_center, visit_at=clinic_time(2026, 12, 4, 10))
        started_tuesday = booked_request(medical_center, visit_at=clinic_time(2026, 12, 8, 15))
        make_packet(started_tuesday, status=Packet.Status.IN_PROGRESS, images=[])
        complete_monday = booked_request(medical_center, visit_at=clinic_time(2026, 12, 7, 9))
        make_packet(complete_monday, images=[])
        wednesday_after = booked_request(medical_center, visit_at=clinic_time(2026, 12, 9, 9))
        earlier_today = booked_request(medical_center, visit_at=clinic_time(2026, 12, 3, 8))
        later_today = booked_request(medical_center, visit_at=clinic_time(2026, 12, 3, 14))
        cancelled = booked_request(medical_center, visit_at=clinic_time(2026, 12, 4, 11), status=Status.VISIT_CANCELLED)
        response = front_desk_client.get(REQUESTS, {"packet": "due"})
        shown = [row.pk for row in response.context["cl"].result_list]
    assert shown == [later_today.pk, none_friday.pk, started_tuesday.pk]
    assert {wednesday_after.pk, earlier_today.pk, complete_monday.pk, cancelled.pk}.isdisjoint(shown)
    assert "Visit in the next 3 business days, packet not complete" in response.content.decode()


# --- the packet's page ------------------------------------------------------------------------------


def test_the_summary_shows_the_answers_and_the_photos_and_is_recorded(front_desk_client, packet):
    response = front_desk_client.get(f"{PACKETS}{packet.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = ["Blue Mesa Health", "BMH77881234", "Lisinopril 10 mg daily", "Aching or pain, Swelling", "Zuleima"]
    for text in expected:
        assert text in html, text
    for key in ["card_front", "card_back", "photo_id"]:
        assert f'src="{PACKETS}{packet.pk}/photo/{key}/"' in html
    assert "summary.css" in html
    assert "no-store" in response["Cache-Control"]
    assert lines(AccessRecord.Action.PACKET_OPENED) == [("frontdesk", packet.appointment_request.reference, "")]
    assert ANSWERS["member_id"] not in "".join(str(line) for line in AccessRecord.objects.values_list())


def test_a_photo_is_served_decrypted_inline_without_scripts_and_recorded(front_desk_client, packet):
    response = front_desk_client.get(f"{PACKETS}{packet.pk}/photo/card_front/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8\xff")
    assert response.content == files.read(packet.images.get(key="card_front").file_name)
    reference = packet.appointment_request.reference
    assert response["Content-Disposition"] == f'inline; filename="packet-{reference}-card_front.jpg"'
    policy = response["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; script-src 'none'")
    assert "sandbox" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert lines(AccessRecord.Action.PACKET_IMAGE) == [("frontdesk", reference, "card_front")]


def test_a_photo_no_longer_on_disk_says_so_instead_of_an_error(front_desk_client, packet):
    # Packet photos are in no backup: after a restore the rows may outlive their files.
    gone = packet.images.get(key="card_back")
    files.remove(gone.file_name)
    html = front_desk_client.get(f"{PACKETS}{packet.pk}/change/").content.decode()
    assert "Photo no longer available" in html
    assert f"{PACKETS}{packet.pk}/photo/card_back/" not in html
    assert front_desk_client.get(f"{PACKETS}{packet.pk}/photo/card_back/").status_code == 404
    assert front_desk_client.get(f"{PACKETS}{packet.pk}/fhir/").status_code == 200


def test_the_fhir_download_is_an_attachment_that_parses_and_is_recorded(front_desk_client, packet):
    response = front_desk_client.get(f"{PACKETS}{packet.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    reference = packet.appointment_request.reference
    assert response["Content-Disposition"] == f'attachment; filename="packet-{reference}.fhir.json"'
    bundle = Bundle.model_validate_json(response.content)
    assert {entry.resource.get_resource_type() for entry in bundle.entry} >= {
        "Patient",
        "Coverage",
        "QuestionnaireResponse",
        "Consent",
        "DocumentReference",
    }
    assert ANSWERS["allergies"] in json.dumps(json.loads(response.content))
    assert lines(AccessRecord.Action.FHIR_EXPORTED) == [("frontdesk", reference, "")]


def test_mark_entered_records_who_and_when_once(front_desk_client, packet):
    url = f"{PACKETS}{packet.pk}/entered/"
    assert front_desk_client.get(url).status_code == 405
    before = timezone.now()
    response = front_desk_client.post(url)
    assert response.status_code == 302
    packet.refresh_from_db()
    assert packet.entered_by.username == "frontdesk"
    assert before <= packet.entered_at <= timezone.now()
    assert LogEntry.objects.filter(object_id=str(packet.pk)).count() == 1
    first = packet.entered_at
    front_desk_client.post(url)
    packet.refresh_from_db()
    assert packet.entered_at == first
    html = front_desk_client.get(f"{PACKETS}{packet.pk}/change/").content.decode()
    assert "Mark entered into our records</button>" not in html
    assert "by frontdesk" in html


def test_mark_entered_as_an_action_on_the_packet_list(front_desk_client, medical_center):
    packets = [make_packet(booked_request(medical_center), images=[]) for _ in range(2)]
    response = front_desk_client.post(
        PACKETS, {"action": "mark_entered", "_selected_action": [str(p.pk) for p in packets]}
    )
    assert response.status_code == 302
    assert Packet.objects.filter(entered_at__isnull=False).count() == 2


def test_the_packet_list_names_requests_by_reference_and_records_them(front_desk_client, packet):
    response = front_desk_client.get(PACKETS)
    assert response.status_code == 200
    assert packet.appointment_request.display_reference in response.content.decode()
    assert ANSWERS["first_name"] not in response.content.decode()
    assert lines(AccessRecord.Action.LISTED)[0][1] == packet.appointment_request.reference


def test_nobody_adds_or_deletes_a_packet_by_hand(front_desk_client, packet):
    assert front_desk_client.get(f"{PACKETS}add/").status_code == 403
    assert front_desk_client.get(f"{PACKETS}{packet.pk}/delete/").status_code == 403


# --- who may not ------------------------------------------------------------------------------------


def test_editors_hold_no_packet_permission():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors").permissions.filter(content_type__app_label="packets")
    assert not editors.exists()


def test_editors_get_403_on_every_packet_photo_and_fhir_address(editor_client, packet):
    for url in packet_urls(packet):
        assert editor_client.get(url).status_code == 403, url
    assert editor_client.post(f"{PACKETS}{packet.pk}/entered/").status_code == 403
    assert editor_client.get("/admin/packets/question/").status_code == 403
    packet.refresh_from_db()
    assert packet.entered_at is None
    assert not AccessRecord.objects.filter(action__startswith="packet").exists()
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.FHIR_EXPORTED).exists()


def test_anonymous_visitors_are_sent_to_login_from_every_packet_address(client, packet):
    for url in [*packet_urls(packet), f"{PACKETS}{packet.pk}/entered/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
        assert b"\xff\xd8" not in response.content
    assert not AccessRecord.objects.exclude(action=AccessRecord.Action.SIGNED_OUT).exists()


def test_an_unknown_packet_is_404_for_the_front_desk(front_desk_client):
    assert front_desk_client.get(f"{PACKETS}999999/change/").status_code == 404
    assert front_desk_client.get(f"{PACKETS}999999/photo/card_front/").status_code == 404
    assert front_desk_client.get(f"{PACKETS}999999/fhir/").status_code == 404
