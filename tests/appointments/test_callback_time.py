"""The call-back time told to patients: the median business-hours wait of the last 30 days,
once at least 20 requests were contacted in them; cached for an hour."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from appointments.models import AppointmentRequest

from .conftest import NOW, PATIENT, form_data, make_request, run_worker

pytestmark = pytest.mark.django_db

FORM_URL = "/appointments/request/"
RECEIVED_URL = "/appointments/request/received/"
HOUR = 3600
TODAYS_WORDING = "Our front desk will call you back to book your appointment."


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A Spanish page leaves Spanish active in this thread (LocaleMiddleware); later tests expect English."""
    yield
    translation.activate("en")


def contacted(office, waits, days_ago=1):
    """Requests first contacted `days_ago` days ago after the given business-second waits."""
    for seconds in waits:
        request = make_request(office)
        AppointmentRequest.objects.filter(pk=request.pk).update(
            status="contacted",
            first_contacted_at=NOW - datetime.timedelta(days=days_ago),
            business_seconds_to_contact=seconds,
            contacted_within_business_day=True,
        )


def confirmation_and_receipt(client, office, django_capture_on_commit_callbacks, prefix="", **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(prefix + FORM_URL, form_data(office, **overrides)).status_code == 303
    page = " ".join(client.get(prefix + RECEIVED_URL).content.decode().split())
    run_worker()  # the receipt goes out through the task queue
    [receipt] = [message for message in mail.outbox if PATIENT["email"] in message.to]
    return page, " ".join(receipt.body.split())


def test_below_20_contacted_requests_patients_get_todays_wording(
    client, medical_center, django_capture_on_commit_callbacks
):
    contacted(medical_center, [HOUR] * 19)
    # Older contacts do not count: the window is the last 30 days.
    contacted(medical_center, [HOUR] * 10, days_ago=31)
    page, receipt = confirmation_and_receipt(client, medical_center, django_capture_on_commit_callbacks)
    for text in (page, receipt):
        assert TODAYS_WORDING in text
        assert "usually" not in text


def test_from_20_contacted_requests_patients_are_told_the_median_rounded_up(
    client, medical_center, django_capture_on_commit_callbacks
):
    # Median 2.25 business hours: "within 3".
    contacted(medical_center, [HOUR] * 9 + [2 * HOUR, 2.5 * HOUR] + [20 * HOUR] * 9)
    page, receipt = confirmation_and_receipt(client, medical_center, django_capture_on_commit_callbacks)
    for text in (page, receipt):
        assert TODAYS_WORDING in text
        assert "We usually call back within 3 business hours." in text


def test_patients_who_chose_email_are_told_when_we_usually_reply(
    client, medical_center, django_capture_on_commit_callbacks
):
    contacted(medical_center, [HOUR] * 20)
    page, receipt = confirmation_and_receipt(
        client, medical_center, django_capture_on_commit_callbacks, contact_method="email"
    )
    for text in (page, receipt):
        assert "We usually reply within 1 business hour." in text


def test_past_8_hours_patients_are_told_the_next_business_day(
    client, medical_center, django_capture_on_commit_callbacks
):
    contacted(medical_center, [8 * HOUR + 1] * 20)
    page, receipt = confirmation_and_receipt(client, medical_center, django_capture_on_commit_callbacks)
    for text in (page, receipt):
        assert "We usually call back by the next business day." in text


def test_spanish_patients_read_it_in_spanish(client, medical_center, django_capture_on_commit_callbacks):
    contacted(medical_center, [5 * HOUR] * 20)
    page, receipt = confirmation_and_receipt(client, medical_center, django_capture_on_commit_callbacks, prefix="/es")
    for text in (page, receipt):
        assert "Normalmente le devolvemos la llamada dentro de 5 horas hábiles." in text
        assert "usually" not in text


def test_it_is_computed_at_most_once_an_hour(medical_center):
    contacted(medical_center, [HOUR] * 20)
    assert AppointmentRequest.objects.typical_callback_hours() == 1
    contacted(medical_center, [30 * HOUR] * 30)
    with CaptureQueriesContext(connection) as queries:
        assert AppointmentRequest.objects.typical_callback_hours() == 1
    # The cache may live in the database; the requests are not read again.
    assert not [query for query in queries.captured_queries if "appointments_" in query["sql"]]
    with time_machine.travel(NOW + datetime.timedelta(minutes=61), tick=False):
        assert AppointmentRequest.objects.typical_callback_hours() == 30
