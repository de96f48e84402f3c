"""Patient data stays out of the logs: everything logged at any level, by any logger, and
anything written to stdout or stderr, while a request is submitted, fails validation, is mailed
(also with the mail server down or refusing the address) and is worked by staff in admin.
"""

import datetime
import io
import json
import logging
import logging.config
import runpy
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from appointments.models import AppointmentRequest
from appointments.workflow import move_to
from tests.conftest import run_worker
from tests.live import ROOT

from .conftest import FORM_URL, valid_submission

SETTINGS_FILE = ROOT / "clinic_site" / "settings.py"

pytestmark = pytest.mark.django_db

PATIENT = {
    "first_name": "Zebediah",
    "last_name": "Quillfeather",
    "phone": "(915) 261-7788",
    "email": "zebediah.q@example.org",
    "reason": "leg_pain",
    "message": "Ankles swell after night shifts at the Ysleta depot",
}
# Every way the patient's answers could show up in a log line.
TRACES = [
    "Zebediah",
    "Quillfeather",
    "zebediah.q",
    "261-7788",
    "261 7788",
    "2617788",
    "leg_pain",
    "Leg pain or swelling",
    "night shifts",
    "Ysleta",
]


class EverythingFormatter(logging.Formatter):
    """The message, every attribute of the record (extra fields, args) and any traceback."""

    def format(self, record):
        text = f"{record.name} {record.levelname} {record.getMessage()} {record.__dict__!r}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


@pytest.fixture
def captured_logs(capfd, monkeypatch):
    """The site's own logging configuration as LOG_LEVEL=DEBUG makes it (the most a deployment
    can log), plus a handler at DEBUG on the root logger and on every logger that does not
    propagate, plus the process's stdout and stderr. Call it to read what was captured so far."""
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    logging.config.dictConfig(runpy.run_path(str(SETTINGS_FILE))["LOGGING"])
    buffer = io.StringIO()
    ours = logging.StreamHandler(buffer)
    ours.setLevel(logging.DEBUG)
    ours.setFormatter(EverythingFormatter())
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        for handler in logger.handlers:
            # The site's JSON lines, exactly as it would print them; into our buffer rather than
            # a capture stream pytest may swap underneath it.
            if type(handler) is logging.StreamHandler:
                handler.setStream(buffer)
        logger.addHandler(ours)
    capfd.readouterr()

    def read():
        out, err = capfd.readouterr()
        read.text += buffer.getvalue() + out + err
        buffer.seek(0)
        buffer.truncate()
        return read.text

    read.text = ""
    yield read
    for logger in loggers:
        logger.removeHandler(ours)
    logging.config.dictConfig(settings.LOGGING)


def assert_no_patient_data(text):
    leaks = [trace for trace in TRACES if trace.lower() in text.lower()]
    # JSON log lines escape nothing in these ASCII values, but check the escaped form anyway.
    leaks += [trace for trace in TRACES if json.dumps(trace)[1:-1].lower() in text.lower()]
    lines = [line[:300] for line in text.splitlines() if any(leak.lower() in line.lower() for leak in leaks)]
    assert not leaks, f"patient data in the logs: {sorted(set(leaks))}, e.g. {lines[:3]}"


@pytest.fixture
def smtp_settings(settings, smtp_port):
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    return settings


class SmtpServer:
    """aiosmtpd in a process of its own, so its session log never mixes with the site's."""

    def __init__(self, port, mode="accept"):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp", str(port), mode],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def smtp_process(smtp_settings):
    """`smtp_process()` / `smtp_process("refuse")`: a mail server that accepts / refuses mail."""
    servers = []

    def start(mode="accept"):
        servers.append(SmtpServer(smtp_settings.EMAIL_PORT, mode))
        return servers[-1]

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.stop()


@pytest.fixture
def patient_submission(office, request_day):
    return valid_submission(office, request_day, **PATIENT, contact_method="email")


def submit(client, data, django_capture_on_commit_callbacks):
    """A submission, then the worker's run of the e-mails it queued."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, data)
    run_worker()
    return response


def test_the_capture_sees_every_level_and_stdout(captured_logs):
    # The control: if the capture missed something, the tests below would prove nothing.
    logging.getLogger("appointments.views").debug("probe %s", "debug-probe")
    logging.getLogger("django.request").warning("probe-warning")
    print("stdout-probe")
    text = captured_logs()
    assert "debug-probe" in text
    assert "probe-warning" in text
    assert "stdout-probe" in text
    with pytest.raises(AssertionError):
        assert_no_patient_data(text + " Quillfeather")


def test_submitting_and_failing_validation_log_no_patient_data(
    client, settings, patient_submission, captured_logs, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    client.get(FORM_URL)
    for broken in ({"consent": ""}, {"preferred_date": "2026-02-30"}, {"email": "zebediah.q@"}, {"phone": "261-7788"}):
        assert submit(client, {**patient_submission, **broken}, django_capture_on_commit_callbacks).status_code == 200
    assert submit(client, patient_submission, django_capture_on_commit_callbacks).status_code == 303
    assert AppointmentRequest.objects.count() == 1
    assert_no_patient_data(captured_logs())


def test_sending_mail_logs_no_patient_data(
    client, smtp_process, patient_submission, captured_logs, django_capture_on_commit_callbacks
):
    smtp_process()
    assert submit(client, patient_submission, django_capture_on_commit_callbacks).status_code == 303
    stored = AppointmentRequest.objects.get()
    assert stored.staff_notified_at and stored.receipt_sent_at
    assert_no_patient_data(captured_logs())


def test_mail_server_down_is_logged_without_patient_data(
    client, smtp_process, patient_submission, captured_logs, django_capture_on_commit_callbacks
):
    assert submit(client, patient_submission, django_capture_on_commit_callbacks).status_code == 303
    text = captured_logs()
    assert "e-mail not sent" in text, "the failure itself must be logged"
    assert_no_patient_data(text)
    # And once it is back, the worker's retry goes out, still without patient data in the logs.
    smtp_process()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        run_worker()
    assert AppointmentRequest.objects.get().receipt_sent_at is not None
    assert_no_patient_data(captured_logs())


def test_mail_server_refusing_the_address_is_logged_without_it(
    client, smtp_process, patient_submission, captured_logs, django_capture_on_commit_callbacks
):
    # The refusal quotes the patient's address back; the exception carrying it must not be logged.
    smtp_process("refuse")
    assert submit(client, patient_submission, django_capture_on_commit_callbacks).status_code == 303
    time.sleep(0.1)
    text = captured_logs()
    assert AppointmentRequest.objects.get().receipt_sent_at is None
    assert "e-mail not sent" in text
    assert_no_patient_data(text)


def test_staff_working_the_request_log_no_patient_data(
    client, admin_client, settings, patient_submission, captured_logs, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_RATE_LIMIT = "100000/h"
    assert submit(client, patient_submission, django_capture_on_commit_callbacks).status_code == 303
    stored = AppointmentRequest.objects.get()
    changelist = "/admin/appointments/appointmentrequest/"
    for query in ("Quillfeather", "915-261-7788", stored.reference, "zebediah.q@example.org"):
        assert admin_client.get(changelist, {"q": query}).status_code == 200
    assert admin_client.get(f"{changelist}{stored.pk}/change/").status_code == 200
    response = admin_client.post(
        changelist, {"action": "export_csv", "_selected_action": [str(stored.pk)], "index": "0"}
    )
    assert b"Quillfeather" in response.content
    response = admin_client.post(
        f"{changelist}{stored.pk}/change/", {"status": "contacted", "closing_reason": "", "staff_notes": "Called"}
    )
    assert response.status_code == 302
    text = captured_logs()
    assert "appointment requests exported" in text
    assert_no_patient_data(text)


def test_the_patients_link_is_logged_as_its_path_without_the_token(client, captured_logs, medical_center):
    from appointments import visit_tokens
    from tests.appointments.conftest import THURSDAY, make_request, visit_on

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        request = make_request(medical_center, status="contacted")
        move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
        token = visit_tokens.token_for(request)
        move_to(request, "cancelled", by=None)
        assert client.get(f"/appointments/visit/{token}/").status_code == 410
        assert client.get(f"/es/appointments/visit/{token[::-1]}/").status_code == 400
    # The site's own lines (JSON; the request object, whose repr has the path, is left out).
    lines = [json.loads(line) for line in captured_logs().splitlines() if line.startswith('{"')]
    text = json.dumps(lines, ensure_ascii=False)
    assert token not in text and token[::-1] not in text
    assert "Gone: /appointments/visit/…/" in text and "Bad Request: /es/appointments/visit/…/" in text


def test_a_waitlist_offers_link_is_logged_as_its_path_without_the_token(client, captured_logs, medical_center):
    from appointments import waitlist
    from appointments.models import FreedTime
    from tests.appointments.conftest import THURSDAY, make_request, visit_on

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        request = make_request(medical_center, status="contacted", earlier_time="this_office")
        move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 11, medical_center))
        freed = FreedTime.objects.create(office=medical_center, at=visit_on(THURSDAY, 10, medical_center).at)
        token = waitlist.offer(freed, request)
        move_to(request, "cancelled", by=None)
        assert client.get(f"/appointments/earlier-time/{token}/").status_code == 410
        assert client.get(f"/es/appointments/earlier-time/{token[::-1]}/").status_code == 400
    lines = [json.loads(line) for line in captured_logs().splitlines() if line.startswith('{"')]
    text = json.dumps(lines, ensure_ascii=False)
    assert token not in text and token[::-1] not in text
    assert "Gone: /appointments/earlier-time/…/" in text and "Bad Request: /es/appointments/earlier-time/…/" in text
