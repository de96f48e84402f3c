import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from appointments.models import AppointmentRequest

from .conftest import NOW, make_request, run_worker

pytestmark = pytest.mark.django_db


def closed(location, days_ago, reason="booked"):
    request = make_request(location, received=NOW - datetime.timedelta(days=days_ago + 2))
    with time_machine.travel(NOW - datetime.timedelta(days=days_ago), tick=False):
        request.status, request.closing_reason = "closed", reason
        request.save()
    return request


def run(command, *args):
    """The command as cron runs it, outside any transaction: what it queues is queued at once."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(command, *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_requests_closed_longer_ago_than_the_retention_period(medical_center, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 365
    expired = closed(medical_center, days_ago=366)
    recent = closed(medical_center, days_ago=364)
    old_but_open = make_request(medical_center, received=NOW - datetime.timedelta(days=800))
    output = run("purge_appointment_requests")
    assert "Deleted 1 request(s) closed more than 365 days ago." in output
    remaining = set(AppointmentRequest.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, old_but_open.pk}
    assert expired.pk not in remaining


def test_purge_follows_the_retention_setting(medical_center, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 30
    closed(medical_center, days_ago=31)
    closed(medical_center, days_ago=29)
    run("purge_appointment_requests")
    assert AppointmentRequest.objects.count() == 1


def test_purge_dry_run_deletes_nothing(medical_center):
    closed(medical_center, days_ago=400)
    assert "1 request(s) closed more than 365 days ago would be deleted." in run(
        "purge_appointment_requests", "--dry-run"
    )
    assert AppointmentRequest.objects.count() == 1


def test_the_safety_net_queues_again_only_what_is_neither_sent_nor_waiting(medical_center):
    received = NOW - datetime.timedelta(hours=1)
    unsent = make_request(medical_center, received=received)
    make_request(medical_center, received=received, staff_notified_at=NOW, receipt_sent_at=NOW)
    receipt_only = make_request(medical_center, received=received, staff_notified_at=NOW)
    no_email = make_request(medical_center, received=received, email="", staff_notified_at=NOW)
    make_request(medical_center)  # just arrived: its e-mails may still be on the way to the queue
    assert "Queued 3 e-mail(s) again." in run("send_pending_notifications")
    # Already waiting in the queue: not queued a second time.
    assert "Queued 0 e-mail(s) again." in run("send_pending_notifications")
    run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["frontdesk@clinic.test", unsent.email, receipt_only.email]
    )
    for request in (unsent, receipt_only):
        request.refresh_from_db()
        assert request.staff_notified_at and request.receipt_sent_at
    no_email.refresh_from_db()
    assert no_email.receipt_sent_at is None
    assert "Queued 0 e-mail(s) again." in run("send_pending_notifications")


def test_without_staff_addresses_only_receipts_are_pending(medical_center, settings):
    settings.APPOINTMENT_STAFF_EMAILS = []
    make_request(medical_center, received=NOW - datetime.timedelta(hours=1))
    run("send_pending_notifications")
    run_worker()
    assert [message.to for message in mail.outbox] == [["zuleima.q@example.com"]]


# --- retention (security review, item 12) -------------------------------------------------------


def test_purge_reports_requests_not_the_rows_that_went_with_them(medical_center):
    from staff.models import AccessRecord

    expired = closed(medical_center, days_ago=400)
    for action in ("opened", "opened", "exported"):
        AccessRecord.objects.create(username="desk", action=action, reference=expired.reference)
    dry_run = run("purge_appointment_requests", "--dry-run")
    assert "1 request(s) closed more than 365 days ago would be deleted." in dry_run
    assert "Deleted 1 request(s) closed more than 365 days ago." in run("purge_appointment_requests")
    assert not AppointmentRequest.objects.filter(pk=expired.pk).exists()
    # Who read it outlives it (the access record holds the reference, not a link).
    assert AccessRecord.objects.filter(reference=expired.reference).count() == 3


def scheduled_commands():
    """The manage.py commands the cron example of docs/configuration.md runs."""
    from tests.live import ROOT

    readme = (ROOT / "docs" / "configuration.md").read_text()
    cron = next(block for block in readme.split("```")[1::2] if block.startswith("cron"))
    return [line.split("manage.py", 1)[1].split() for line in cron.splitlines() if "manage.py" in line]


def test_the_schedule_clears_expired_sessions(client, medical_center):
    # A patient's session holds the receipt of a request; it must not outlive the request.
    from django.contrib.sessions.models import Session

    from tests.hardening.conftest import FORM_URL, next_request_day, valid_submission

    assert client.post(FORM_URL, valid_submission(medical_center, next_request_day(medical_center))).status_code == 303
    assert Session.objects.count() == 1
    Session.objects.update(expire_date=NOW - datetime.timedelta(days=1))
    live = Session.objects.create(session_key="a" * 32, session_data="", expire_date=NOW + datetime.timedelta(days=400))
    commands = scheduled_commands()
    assert ["clearsessions"] in commands
    for command in commands:
        run(*command)
    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]
