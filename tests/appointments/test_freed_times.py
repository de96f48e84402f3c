"""Every move that ends or moves a booked visit records the time it frees, whoever made it (staff,
the patient's link, a reschedule, a claim), in one place: workflow.move_to through
FreedTime.objects.record. Times nobody could be offered are not recorded."""

import datetime

import pytest

from appointments import visit_tokens
from appointments.models import FreedTime
from appointments.workflow import move_to

from .conftest import NOW, THURSDAY, make_request, visit_on

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"
FRIDAY = datetime.date(2026, 12, 4)


def booked(office, day=THURSDAY, hour=10):
    request = make_request(office, status="contacted")
    move_to(request, "scheduled", by=None, visit=visit_on(day, hour, office))
    return request


def action(client, name, request, **extra):
    return client.post(CHANGELIST, {"action": name, "_selected_action": [str(request.pk)], **extra})


def freed_times():
    return list(FreedTime.objects.values_list("office", "at", "freed_by", "freed_at", "claimed_by"))


def test_booking_a_visit_frees_nothing(medical_center):
    booked(medical_center)
    assert freed_times() == []


def test_a_staff_cancellation_records_the_freed_time(front_desk_client, medical_center):
    request = booked(medical_center)
    action(front_desk_client, "mark_visit_cancelled", request)
    assert freed_times() == [(medical_center.pk, visit_on(THURSDAY, 10, medical_center).at, request.pk, NOW, None)]


def test_the_patients_cancellation_through_their_link_records_the_freed_time(client, medical_center):
    request = booked(medical_center)
    path = visit_tokens.link_for(request).removeprefix("http://testserver")
    assert client.post(path, {"choice": "cancelled"}).status_code == 200
    assert freed_times() == [(medical_center.pk, visit_on(THURSDAY, 10, medical_center).at, request.pk, NOW, None)]


def test_a_new_visit_time_frees_the_old_one(front_desk_client, medical_center):
    request = booked(medical_center)
    data = {"apply": "yes", "date": FRIDAY.isoformat(), "time": "11:00", "office": str(medical_center.pk)}
    assert action(front_desk_client, "mark_scheduled", request, **data).status_code == 302
    request.refresh_from_db()
    assert request.visit_at == visit_on(FRIDAY, 11, medical_center).at
    assert freed_times() == [(medical_center.pk, visit_on(THURSDAY, 10, medical_center).at, request.pk, NOW, None)]


def test_the_same_time_at_another_office_frees_the_first_office(medical_center, dean_martin):
    request = booked(medical_center, day=datetime.date(2026, 12, 7))
    move_to(request, "scheduled", by=None, visit=visit_on(datetime.date(2026, 12, 7), 10, dean_martin))
    [(office, _at, _by, _when, _claimed)] = freed_times()
    assert office == medical_center.pk


def test_closing_a_booked_visit_for_another_reason_frees_it_and_closing_it_as_booked_does_not(medical_center):
    declined, kept = booked(medical_center, hour=10), booked(medical_center, hour=11)
    move_to(declined, "closed", by=None, closing_reason="declined")
    move_to(kept, "closed", by=None, closing_reason="booked")
    assert [row[1] for row in freed_times()] == [visit_on(THURSDAY, 10, medical_center).at]


def test_asking_for_another_time_frees_nothing_until_the_visit_is_moved(client, medical_center):
    request = booked(medical_center)
    path = visit_tokens.link_for(request).removeprefix("http://testserver")
    client.post(path, {"choice": "another_time"})
    request.refresh_from_db()
    assert request.status == "contacted"
    assert freed_times() == []  # the visit stays booked until the front desk calls
    move_to(request, "scheduled", by=None, visit=visit_on(FRIDAY, 11, medical_center))
    assert [row[1] for row in freed_times()] == [visit_on(THURSDAY, 10, medical_center).at]


def test_a_past_visit_or_one_too_near_to_offer_frees_nothing(medical_center, clinic_clock, settings):
    settings.APPOINTMENT_WAITLIST_OFFER_CLOSES_HOURS = 2
    near, at_the_limit, ahead = (booked(medical_center, hour=hour) for hour in (10, 11, 12))
    # Thursday 9:00:01: offers of 11:00 would close at 9:00, of 12:00 at 10:00.
    clinic_clock.move_to(
        (visit_on(THURSDAY, 9, medical_center).at + datetime.timedelta(seconds=1)).astimezone(datetime.UTC)
    )
    for request in (near, at_the_limit, ahead):
        move_to(request, "cancelled", by=None)
    assert [row[1] for row in freed_times()] == [visit_on(THURSDAY, 12, medical_center).at]
    clinic_clock.move_to(visit_on(FRIDAY, 9, medical_center).at.astimezone(datetime.UTC))
    past = booked(medical_center, day=datetime.date(2026, 12, 7))
    FreedTime.objects.all().delete()
    past.visit_at = visit_on(THURSDAY, 15, medical_center).at  # a visit the day before
    past.save()
    move_to(past, "closed", by=None, closing_reason="declined")
    assert freed_times() == []


def test_a_time_another_visit_still_holds_is_not_freed(medical_center):
    first, second = booked(medical_center), booked(medical_center)  # two at once: booked by hand
    move_to(first, "cancelled", by=None)
    assert freed_times() == []
    move_to(second, "cancelled", by=None)
    assert len(freed_times()) == 1


def test_a_time_freed_again_before_anyone_claimed_it_keeps_one_open_row(medical_center, clinic_clock):
    first = booked(medical_center)
    move_to(first, "cancelled", by=None)
    clinic_clock.shift(datetime.timedelta(hours=1))
    by_phone = booked(medical_center)  # the time given by phone
    move_to(by_phone, "cancelled", by=None)  # and freed again
    assert freed_times() == [(medical_center.pk, visit_on(THURSDAY, 10, medical_center).at, first.pk, NOW, None)]


def test_a_claimed_time_freed_again_is_a_new_row(medical_center):
    first = booked(medical_center)
    move_to(first, "cancelled", by=None)
    winner = booked(medical_center, day=FRIDAY)
    move_to(winner, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    FreedTime.objects.filter(freed_by=first).update(claimed_by=winner, claimed_at=NOW)
    move_to(winner, "cancelled", by=None)
    thursday = FreedTime.objects.filter(at=visit_on(THURSDAY, 10, medical_center).at).order_by("pk")
    assert [(row.freed_by_id, row.claimed_by_id) for row in thursday] == [(first.pk, winner.pk), (winner.pk, None)]


def test_rescheduling_to_the_same_time_and_office_frees_nothing(medical_center):
    request = booked(medical_center)
    move_to(request, "scheduled", by=None, visit=visit_on(THURSDAY, 10, medical_center))
    assert freed_times() == []


@pytest.mark.postgres  # dropping the constraint inside the test's transaction: PostgreSQL's DDL is transactional
def test_the_migration_merges_open_duplicates_before_the_constraint(medical_center, patients_for_migration):
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection

    from appointments.models import WaitlistOffer

    [constraint] = FreedTime._meta.constraints
    with connection.schema_editor() as editor:
        editor.remove_constraint(FreedTime, constraint)
    at = visit_on(THURSDAY, 10, medical_center).at
    first = FreedTime.objects.create(office=medical_center, at=at, freed_at=NOW - datetime.timedelta(hours=2))
    second = FreedTime.objects.create(office=medical_center, at=at, freed_at=NOW - datetime.timedelta(hours=1))
    both, only_second = patients_for_migration
    for number, (freed, patient) in enumerate([(first, both), (second, both), (second, only_second)]):
        WaitlistOffer.objects.create(
            freed_time=freed, appointment_request=patient, digest=f"{number:064x}", expires_at=at
        )
    importlib.import_module("appointments.migrations.0015_freed_time_recorded").merge_open_duplicates(django_apps, None)
    assert list(FreedTime.objects.values_list("pk", flat=True)) == [first.pk]
    offered = WaitlistOffer.objects.filter(freed_time=first).values_list("appointment_request", flat=True)
    assert sorted(offered) == sorted([both.pk, only_second.pk])
    # The constraint comes back with the test's rollback.


@pytest.fixture
def patients_for_migration(medical_center):
    return [make_request(medical_center, phone=f"+1915555{number:04d}") for number in range(2)]
