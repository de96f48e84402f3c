"""The mail queue's safety net covers every kind of e-mail: a send whose worker died, and a
visit e-mail or reminder lost before it was queued, go out again (the real worker, its process
killed mid-send, is in tests/hardening/test_mail_worker.py)."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from appointments.models import AppointmentRequest, Email
from appointments.workflow import move_to

from .conftest import THURSDAY, make_request, queued_tasks, run_worker, visit_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def safety_net(django_capture_on_commit_callbacks):
    """Run the command as the timer does: what it queues is committed (queued) at once."""

    def run():
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_pending_notifications", stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def booked(medical_center, django_capture_on_commit_callbacks):
    # Its staff notification and receipt went long ago: this is about the visit's e-mails.
    sent = timezone.now()
    request = make_request(
        medical_center, status="contacted", callback_language="en", staff_notified_at=sent, receipt_sent_at=sent
    )
    with django_capture_on_commit_callbacks(execute=True):
        move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    return request


def die_mid_send(clinic_clock):
    """The worker claims the confirmation, then is killed: the task stays RUNNING."""
    task = DBTaskResult.objects.get(args_kwargs__args__1=Email.CONFIRMATION)
    task.claim("killed-worker")
    return task


def test_a_send_whose_worker_died_is_queued_again_and_shown_on_healthz(
    client, booked, clinic_clock, settings, safety_net
):
    task = die_mid_send(clinic_clock)
    assert "Queued 0 e-mail(s) again." in safety_net()  # still within the bound: maybe alive
    assert client.get("/healthz").json()["tasks_stuck_running"] == 0
    clinic_clock.shift(datetime.timedelta(seconds=settings.MAIL_SEND_DEAD_AFTER_SECONDS + 1))
    assert client.get("/healthz").json()["tasks_stuck_running"] == 1
    assert "1 of them had stopped mid-send with their worker." in safety_net()
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == (
        TaskResultStatus.FAILED,
        "appointments.mail_safety_net.SendAbandoned",
    )
    assert client.get("/healthz").json()["tasks_stuck_running"] == 0
    run_worker()
    assert [message.subject for message in mail.outbox] == ["Appointment confirmed: Desert West Vein & Surgery Center"]
    booked.refresh_from_db()
    assert booked.visit_email_sent_for == booked.visit_sequence


def test_a_dead_send_past_its_last_attempt_is_flagged_to_staff(booked, clinic_clock, settings, safety_net):
    settings.APPOINTMENT_MAIL_RETRY_DELAYS = []
    die_mid_send(clinic_clock)
    clinic_clock.shift(datetime.timedelta(seconds=settings.MAIL_SEND_DEAD_AFTER_SECONDS + 1))
    safety_net()
    booked.refresh_from_db()
    assert booked.unsent_email == Email.CONFIRMATION


def test_a_dead_reminder_gives_back_its_claim(booked, clinic_clock, settings, safety_net):
    reminder = DBTaskResult.objects.get(args_kwargs__args__1=Email.REMINDER)
    clinic_clock.move_to(reminder.run_after)
    AppointmentRequest.objects.filter(pk=booked.pk).update(reminder_sent_at=timezone.now())  # its claim
    reminder.claim("killed-worker")
    clinic_clock.shift(datetime.timedelta(seconds=settings.MAIL_SEND_DEAD_AFTER_SECONDS + 1))
    safety_net()
    run_worker()
    assert [message.subject for message in mail.outbox][-1].startswith("Appointment reminder")


@pytest.mark.parametrize("lost", [Email.CONFIRMATION, Email.REMINDER])
def test_a_visit_email_lost_before_it_was_queued_is_queued(booked, clinic_clock, lost, safety_net):
    DBTaskResult.objects.filter(args_kwargs__args__1=lost).delete()  # the queue failed at commit
    if lost == Email.REMINDER:
        run_worker()  # the confirmation went
        # Its moment (10:00 the day before, 17:00 UTC) passed five minutes ago.
        clinic_clock.move_to(datetime.datetime(2026, 12, 2, 17, 5, tzinfo=datetime.UTC))
    assert "Queued 0 e-mail(s) again." in safety_net()  # too recent: it may still be on its way
    clinic_clock.shift(datetime.timedelta(minutes=11))
    assert "Queued 1 e-mail(s) again." in safety_net()
    assert "Queued 0 e-mail(s) again." in safety_net()  # waiting now: not twice
    run_worker()
    assert "Queued 0 e-mail(s) again." in safety_net()  # sent: done
    subject = {Email.CONFIRMATION: "Appointment confirmed", Email.REMINDER: "Appointment reminder"}[lost]
    assert mail.outbox[-1].subject.startswith(subject)


def test_a_lost_cancellation_is_queued(booked, clinic_clock, django_capture_on_commit_callbacks, safety_net):
    run_worker()
    move_to(booked, "closed", by=None, closing_reason="declined")  # its e-mail never queued
    clinic_clock.shift(datetime.timedelta(minutes=11))
    assert "Queued 1 e-mail(s) again." in safety_net()
    assert Email.CANCELLATION in [kind for kind, _ in queued_tasks()]
