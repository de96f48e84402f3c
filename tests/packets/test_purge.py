"""Kept no longer than needed: `purge_packets` deletes a packet's answers and photos (rows and
files) PACKET_RETENTION_DAYS after the visit or after it was entered into the practice's
records, whichever comes first; the access record keeps one line naming the reference, and the
lines of earlier views stay. A purged request takes its packet's files with it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import AppointmentRequest, ClosingReason, Status
from packets.models import Packet, PacketImage
from staff.models import AccessRecord

from .staff_packets import ANSWERS, booked_request, make_packet

pytestmark = pytest.mark.django_db

DAYS = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def thirty_days(settings):
    settings.PACKET_RETENTION_DAYS = 30


@pytest.fixture
def run_command(django_capture_on_commit_callbacks):
    """A command's output; files go once the deletion commits (files.py), so the callbacks run
    as a commit would run them."""

    def run(command, *args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(command, *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def purge(run_command):
    return lambda *args: run_command("purge_packets", *args)


def stored_files(settings):
    directory = settings.PACKET_FILES_DIR
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def packet_with_visit(office, days_ago, **fields):
    return make_packet(booked_request(office, visit_at=timezone.now() - days_ago * DAYS), **fields)


def test_a_packet_31_days_after_its_visit_loses_its_answers_and_photos(medical_center, settings, purge):
    old = packet_with_visit(medical_center, 31)
    recent = packet_with_visit(medical_center, 29)
    recent_files = sorted(PacketImage.objects.filter(packet=recent).values_list("file_name", flat=True))
    assert len(stored_files(settings)) == 6

    assert purge() == "Deleted 1 packet(s) whose visit or entry into our records is more than 30 days ago.\n"

    old.refresh_from_db()
    assert old.read_answers() == {} and bytes(old.answers_encrypted) == b""
    assert old.signed_from is None and old.purged_at is not None
    assert old.status == Packet.Status.COMPLETE  # the request and the reports still know it was complete
    assert not PacketImage.objects.filter(packet=old).exists()
    assert stored_files(settings) == recent_files
    recent.refresh_from_db()
    assert recent.read_answers() == ANSWERS


def test_entered_into_our_records_starts_the_clock_when_it_comes_first(medical_center, settings, purge):
    entered = make_packet(booked_request(medical_center, visit_at=timezone.now() + 5 * DAYS))
    Packet.objects.filter(pk=entered.pk).update(entered_at=timezone.now() - 31 * DAYS)
    not_yet = make_packet(booked_request(medical_center, visit_at=timezone.now() + 5 * DAYS))
    Packet.objects.filter(pk=not_yet.pk).update(entered_at=timezone.now() - 29 * DAYS)
    purge()
    assert Packet.objects.get(pk=entered.pk).purged_at is not None
    assert Packet.objects.get(pk=not_yet.pk).purged_at is None


def test_the_access_record_keeps_one_line_per_purged_packet_and_the_earlier_views(
    medical_center, front_desk_client, purge
):
    packet = packet_with_visit(medical_center, 40)
    reference = packet.appointment_request.reference
    assert front_desk_client.get(f"/admin/packets/packet/{packet.pk}/change/").status_code == 200
    assert front_desk_client.get(f"/admin/packets/packet/{packet.pk}/photo/photo_id/").status_code == 200
    purge()
    purge()  # a second run finds nothing more to do
    lines = list(AccessRecord.objects.order_by("pk").values_list("username", "action", "reference", "detail"))
    assert lines[-3:] == [
        ("frontdesk", AccessRecord.Action.PACKET_OPENED, reference, ""),
        ("frontdesk", AccessRecord.Action.PACKET_IMAGE, reference, "photo_id"),
        ("purge_packets", AccessRecord.Action.PACKET_PURGED, reference, "answers and 3 photo(s) deleted"),
    ]
    written = " ".join(str(value) for line in lines for value in line)
    for value in (ANSWERS["first_name"], ANSWERS["last_name"], ANSWERS["member_id"], ANSWERS["birth_date"]):
        assert value not in written


def test_a_purged_packets_page_says_so_and_its_photos_are_gone(medical_center, front_desk_client, purge):
    packet = packet_with_visit(medical_center, 40)
    purge()
    html = front_desk_client.get(f"/admin/packets/packet/{packet.pk}/change/").content.decode()
    assert "The answers and photos were deleted" in html
    assert ANSWERS["member_id"] not in html
    assert front_desk_client.get(f"/admin/packets/packet/{packet.pk}/photo/card_front/").status_code == 404
    request_page = front_desk_client.get(
        f"/admin/appointments/appointmentrequest/{packet.appointment_request_id}/change/"
    )
    assert "answers and photos deleted" in request_page.content.decode()


def test_the_dry_run_only_counts(medical_center, settings, purge):
    packet_with_visit(medical_center, 31)
    assert purge("--dry-run") == (
        "1 packet(s) whose visit or entry into our records is more than 30 days ago would be deleted.\n"
    )
    assert Packet.objects.filter(purged_at__isnull=True).count() == 1
    assert len(stored_files(settings)) == 3


def test_purging_the_request_removes_its_packets_files(medical_center, settings, run_command):
    packet = packet_with_visit(medical_center, 10)
    request = packet.appointment_request
    request.status, request.closing_reason = Status.CLOSED, ClosingReason.BOOKED
    request.save()
    AppointmentRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - 400 * DAYS)
    assert len(stored_files(settings)) == 3
    run_command("purge_appointment_requests")
    assert not Packet.objects.filter(pk=packet.pk).exists()
    assert not PacketImage.objects.exists()
    assert stored_files(settings) == []
