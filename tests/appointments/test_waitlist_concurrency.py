"""Twenty patients claim the same freed time at once: exactly one gets it (PostgreSQL only, where
concurrent transactions really run in parallel; deselected on SQLite, see tests/conftest.py)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client

from appointments import waitlist
from appointments.models import AppointmentRequest, FreedTime, Status
from appointments.workflow import move_to

from .conftest import CLINIC_ZONE, make_request, visit_on

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PATIENTS = 20
MONDAY = datetime.date(2026, 12, 7)


def test_twenty_simultaneous_claims_give_the_time_to_exactly_one_patient(medical_center):
    freed_time = FreedTime.objects.create(
        office=medical_center, at=datetime.datetime(2026, 12, 3, 10, tzinfo=CLINIC_ZONE)
    )
    paths = {}
    for number in range(PATIENTS):
        request = make_request(
            medical_center, status="contacted", earlier_time="this_office", phone=f"+1915555{number:04d}"
        )
        move_to(request, "scheduled", by=None, visit=visit_on(MONDAY, 8 + number % 8, medical_center, minute=number))
        token = waitlist.offer(freed_time, request)
        paths[request.pk] = waitlist.offer_link(request, token).removeprefix("http://testserver")
    before = dict(AppointmentRequest.objects.values_list("pk", "visit_at"))
    start = threading.Barrier(PATIENTS)
    statuses, failures = {}, []

    def patient(pk, number):
        try:
            # Each patient from their own address, so the rate limit does not get in the way.
            client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
            start.wait(timeout=30)
            statuses[pk] = client.post(paths[pk]).status_code
        except Exception as error:  # reported below, with the thread's own failure
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=patient, args=(pk, number)) for number, pk in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    [winner] = [pk for pk, status in statuses.items() if status == 200]
    assert sorted(statuses.values()) == [200] + [410] * (PATIENTS - 1)
    freed_time.refresh_from_db()
    assert freed_time.claimed_by_id == winner
    # No double booking: the freed time holds one visit; everyone else kept theirs.
    assert list(AppointmentRequest.objects.filter(visit_at=freed_time.at).values_list("pk", flat=True)) == [winner]
    for pk, visit_at in AppointmentRequest.objects.values_list("pk", "visit_at"):
        assert visit_at == (freed_time.at if pk == winner else before[pk])
    assert set(AppointmentRequest.objects.values_list("status", flat=True)) == {Status.SCHEDULED}
    # The winner's old time is freed, once.
    [old] = FreedTime.objects.filter(freed_by=winner)
    assert old.at == before[winner]
