"""No e-mail is silently lost when the mail worker dies or is stopped mid-send: the real
`manage.py db_worker` in a process of its own, against a real SMTP server that hangs on DATA,
and the safety net (`send_pending_notifications`) as the timer runs it."""

import signal
import subprocess
import sys
import time

import pytest

from tests.live import ROOT, free_port, production_env
from tests.smtp import start_smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PATIENT_EMAIL = "zuleima.q@example.com"

# A request booked for 10:00 on a weekday a week from now (the real clock: these processes run
# on it), which queues its confirmation.
BOOK = """
import datetime
from django.utils import timezone
from locations.models import Location
from appointments.models import Visit
from appointments.workflow import move_to
from tests.factories import make_request
office = Location.objects.get(slug="medical-center-drive")
day = timezone.localdate() + datetime.timedelta(days=7)
while day.weekday() > 3:
    day += datetime.timedelta(days=1)
request = make_request(office, status="contacted", email="PATIENT_EMAIL", callback_language="en")
move_to(request, "scheduled", by=None, visit=Visit.at_clinic_time(day, datetime.time(10), office))
print(request.pk)
""".replace("PATIENT_EMAIL", PATIENT_EMAIL)


@pytest.fixture
def smtp(tmp_path):
    port = free_port()
    controller, inbox = start_smtp_server(port)
    inbox.port = port
    yield inbox
    inbox.release()
    controller.stop()


def env_for(live_database, smtp, **overrides):
    return production_env(
        DATABASE_URL=live_database.url(),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp.port,
        DEFAULT_FROM_EMAIL="Desert West Vein <no-reply@clinic.example>",
        **overrides,
    )


def start_worker(env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - the child holds it; closed when the test ends
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def tasks(live_database, pk, kind="confirmation"):
    """(status, attempt) of each send of `kind` for request `pk`, oldest first."""
    rows = live_database.execute(
        "SELECT status, args_kwargs FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at, id"
    )
    return [(status, [*args["args"], 1][3]) for status, args in rows if args["args"][:2] == [pk, kind]]


def calendar_event(message):
    import icalendar

    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    return str(event["UID"]), int(event["SEQUENCE"])


def test_a_worker_killed_mid_send_leaves_the_email_to_the_safety_net(live_database, smtp, tmp_path):
    env = env_for(live_database, smtp, EMAIL_TIMEOUT="60", MAIL_SEND_DEAD_AFTER_SECONDS="2")
    pk = int(manage(env, "shell", "-c", BOOK).split()[-1])
    smtp.stall()
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        assert smtp.data_waiting.wait(30), (tmp_path / "worker.log").read_text()
        assert tasks(live_database, pk) == [("RUNNING", 1)]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # The server had taken the whole message when the worker died (it may deliver it).
    smtp.release()
    assert len(smtp.to(PATIENT_EMAIL)) == 1

    # The dead send shows on /healthz once it has run past the bound...
    time.sleep(2.5)
    health = manage(
        env, "shell", "-c", "from clinic_site.views import tasks_stuck_running; print(tasks_stuck_running())"
    )
    assert health.split()[-1] == "1"
    # ...and the safety net queues it again, as an attempt.
    output = manage(env, "send_pending_notifications")
    assert "Queued 1 e-mail(s) again. 1 of them had stopped mid-send with their worker." in output
    assert tasks(live_database, pk) == [("FAILED", 1), ("READY", 2)]
    assert "Queued 0 e-mail(s) again." in manage(env, "send_pending_notifications")

    manage(env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert tasks(live_database, pk) == [("FAILED", 1), ("SUCCESSFUL", 2)]
    # Sent twice rather than never; the patient sees the same subject, and the calendar file has
    # the same UID and SEQUENCE, so their calendar keeps one event.
    first, second = smtp.to(PATIENT_EMAIL)
    assert first["subject"] == second["subject"] == "Appointment confirmed: Desert West Vein & Surgery Center"
    assert calendar_event(first) == calendar_event(second)
    [(sent_for,)] = live_database.execute(
        "SELECT visit_email_sent_for FROM appointments_appointmentrequest WHERE id = %s", [pk]
    )
    assert sent_for == 0


def test_a_stopped_worker_finishes_or_queues_the_send_again(live_database, smtp, tmp_path):
    # SIGTERM (systemd's stop): the worker lets the send run out its EMAIL_TIMEOUT, which fails
    # it into the usual retry, then exits.
    env = env_for(live_database, smtp, EMAIL_TIMEOUT="3")
    pk = int(manage(env, "shell", "-c", BOOK).split()[-1])
    smtp.stall()
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        assert smtp.data_waiting.wait(30)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert tasks(live_database, pk) == [("SUCCESSFUL", 1), ("READY", 2)]

    # A second SIGTERM (stop at once): the wait for DATA's answer is cut short, and the send
    # queued again before the exit (after QUIT's own wait, at most EMAIL_TIMEOUT).
    smtp.data_waiting.clear()
    env = env_for(live_database, smtp, EMAIL_TIMEOUT="5")
    live_database.execute(
        "UPDATE django_tasks_database_dbtaskresult SET run_after = now() WHERE status = 'READY'"
        " AND args_kwargs -> 'args' ->> 1 = 'confirmation' AND (args_kwargs -> 'args' ->> 0)::int = %s",
        [pk],
    )
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        assert smtp.data_waiting.wait(30), (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert tasks(live_database, pk) == [("SUCCESSFUL", 1), ("FAILED", 2), ("READY", 2)]
    smtp.release()
    manage(env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert tasks(live_database, pk)[-1] == ("SUCCESSFUL", 2)
    assert len(smtp.to(PATIENT_EMAIL)) >= 1
