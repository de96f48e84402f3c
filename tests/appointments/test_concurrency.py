"""Many patients at once: every request is stored with its own reference (PostgreSQL only,
where concurrent writers really run in parallel; deselected on SQLite, see tests/conftest.py)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from appointments.models import AppointmentRequest
from locations.models import Location

from .conftest import form_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PATIENTS = 40


def test_forty_simultaneous_requests_end_as_forty_rows_with_distinct_references():
    office = Location.objects.get(slug="medical-center-drive")
    start = threading.Barrier(PATIENTS)
    statuses = []
    failures = []

    def patient(number):
        try:
            # Each patient from their own address, so the rate limit does not get in the way.
            client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
            data = form_data(office, first_name=f"Patient{number}", phone=f"915-555-{number:04d}")
            start.wait(timeout=30)
            statuses.append(client.post("/appointments/request/", data).status_code)
        except Exception as error:  # reported below, with the thread's own failure
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=patient, args=(number,)) for number in range(PATIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert statuses == [303] * PATIENTS
    references = list(AppointmentRequest.objects.values_list("reference", flat=True))
    assert len(references) == PATIENTS
    assert len(set(references)) == PATIENTS
    assert set(AppointmentRequest.objects.values_list("first_name", flat=True)) == {
        f"Patient{number}" for number in range(PATIENTS)
    }
