import datetime

import pytest
import time_machine
from django.db.models import ProtectedError

from appointments import models as appointment_models
from appointments.models import (
    REFERENCE_ALPHABET,
    AppointmentRequest,
    format_reference,
    normalize_reference,
)
from appointments.overdue import one_business_day_before
from appointments.workflow import IllegalMove, move_to
from tests.factories import StaffFactory

from .conftest import CLINIC_ZONE, THURSDAY, make_request, visit_on

pytestmark = pytest.mark.django_db


def clinic(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CLINIC_ZONE)


# December 2026: Friday the 4th, the weekend, Monday the 7th, Tuesday the 8th.
FRIDAY_AFTERNOON = clinic(2026, 12, 4, 15, 0)


# --- References -------------------------------------------------------------------------------


def test_a_reference_is_eight_characters_without_look_alikes(medical_center):
    references = {make_request(medical_center).reference for _ in range(20)}
    assert len(references) == 20
    for reference in references:
        assert len(reference) == 8
        assert set(reference) <= set(REFERENCE_ALPHABET)
    assert not set("O0I1Z2S5B8") & set(REFERENCE_ALPHABET)


def test_a_reference_reads_in_two_groups_and_is_found_however_it_is_typed():
    assert format_reference("KDFM4HXP") == "KDFM-4HXP"
    assert normalize_reference(" kdfm-4hxp ") == "KDFM4HXP"
    assert normalize_reference("KDFM 4HXP") == "KDFM4HXP"


def test_a_reference_clash_is_retried_with_a_new_reference(medical_center, monkeypatch):
    taken = make_request(medical_center).reference
    # Only the random source is replaced, so the clash is certain; the database is real.
    draws = iter([taken, "ACDEFGHJ"])
    monkeypatch.setattr(appointment_models, "new_reference", lambda: next(draws))
    second = make_request(medical_center)
    assert second.reference == "ACDEFGHJ"
    assert AppointmentRequest.objects.count() == 2


def test_str_is_the_reference_only_never_the_patient(medical_center):
    request = make_request(medical_center)
    assert str(request) == request.display_reference


# --- Status times ------------------------------------------------------------------------------


def test_contact_and_closing_are_timestamped(medical_center, clinic_clock):
    request = make_request(medical_center)
    assert request.first_contacted_at is None and request.closed_at is None
    clinic_clock.shift(3600)
    request.status = "contacted"
    request.save()
    contacted_at = request.first_contacted_at
    assert contacted_at is not None
    clinic_clock.shift(3600)
    request.status = "scheduled"
    request.save()
    assert request.first_contacted_at == contacted_at
    request.status = "closed"
    request.closing_reason = "booked"
    request.save()
    assert request.closed_at is not None


def test_reopening_a_closed_request_clears_its_closing(medical_center):
    request = make_request(medical_center, status="closed", closing_reason="duplicate")
    request.status = "contacted"
    request.save()
    assert request.closed_at is None and request.closing_reason == ""


def test_closing_without_contact_leaves_first_contact_empty(medical_center):
    request = make_request(medical_center, status="closed", closing_reason="not_genuine")
    assert request.first_contacted_at is None
    assert request.closed_at is not None


def test_a_closed_request_needs_a_closing_reason(medical_center):
    from django.core.exceptions import ValidationError

    request = make_request(medical_center)
    request.status = "closed"
    with pytest.raises(ValidationError) as caught:
        request.full_clean()
    assert "closing_reason" in caught.value.message_dict


def test_an_office_with_requests_cannot_be_deleted(medical_center):
    make_request(medical_center)
    with pytest.raises(ProtectedError):
        medical_center.delete()


def test_phone_is_shown_as_each_country_writes_it(medical_center):
    assert make_request(medical_center, phone="+19155550123").phone_display == "(915) 555-0123"
    assert make_request(medical_center, phone="+526561234567").phone_display == "+52 656 123 4567"


# --- The workflow: move_to ---------------------------------------------------------------------


@pytest.fixture
def clerk(db):
    return StaffFactory(username="clerk")


def test_moving_a_request_records_who_and_when(medical_center, clinic_clock, clerk):
    request = make_request(medical_center)
    clinic_clock.shift(3600)
    move_to(request, "contacted", by=clerk)
    request.refresh_from_db()
    assert (request.status, request.handled_by) == ("contacted", clerk)
    contacted_at = request.first_contacted_at
    assert contacted_at is not None and request.closed_at is None
    clinic_clock.shift(3600)
    move_to(request, "scheduled", by=clerk, visit=visit_on(THURSDAY, 10, medical_center))
    move_to(request, "closed", by=clerk, closing_reason="booked")
    request.refresh_from_db()
    assert (request.status, request.closing_reason) == ("closed", "booked")
    assert request.first_contacted_at == contacted_at
    assert request.closed_at > contacted_at


@pytest.mark.parametrize(
    ("current", "status"),
    [
        ("new", "contacted"),
        ("new", "scheduled"),
        ("new", "closed"),
        ("contacted", "scheduled"),
        ("contacted", "closed"),
        ("scheduled", "closed"),
    ],
)
def test_a_request_moves_forward_through_the_workflow(medical_center, clerk, current, status):
    request = make_request(medical_center, status=current, closing_reason="duplicate" if current == "closed" else "")
    visit = visit_on(THURSDAY, 10, medical_center) if status == "scheduled" else None
    move_to(request, status, by=clerk, closing_reason="booked" if status == "closed" else "", visit=visit)
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (status, clerk)


@pytest.mark.parametrize(
    ("current", "status", "correction", "message"),
    [
        ("contacted", "contacted", False, "This request is already contacted."),
        ("scheduled", "contacted", False, "This request is already scheduled: change it to contacted on its own page."),
        ("closed", "contacted", False, "This request is already closed: change it to contacted on its own page."),
        ("closed", "closed", True, "This request is already closed."),
        ("contacted", "new", False, "A request that has been handled cannot go back to new."),
        ("closed", "new", True, "A request that has been handled cannot go back to new."),
        ("new", "booked", False, "There is no status “booked”."),
        ("contacted", "scheduled", False, "Use the “Schedule visit” action to set the visit's date, time and office."),
        ("new", "cancelled", False, "This request is already new: change it to visit cancelled on its own page."),
    ],
)
def test_an_illegal_move_is_refused_with_a_reason_and_changes_nothing(
    medical_center, clerk, current, status, correction, message
):
    request = make_request(medical_center, status=current, closing_reason="duplicate" if current == "closed" else "")
    with pytest.raises(IllegalMove) as refused:
        move_to(request, status, by=clerk, correction=correction)
    assert refused.value.message_dict == {"status": [message]}
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (current, None)


@pytest.mark.parametrize("closing_reason", ["", "bored"])
def test_closing_needs_a_known_reason(medical_center, clerk, closing_reason):
    request = make_request(medical_center)
    with pytest.raises(IllegalMove) as refused:
        move_to(request, "closed", by=clerk, closing_reason=closing_reason)
    assert refused.value.message_dict == {"closing_reason": ["Choose why the request is closed."]}
    request.refresh_from_db()
    assert request.status == "new"


@pytest.mark.parametrize(
    ("current", "status"), [("closed", "contacted"), ("closed", "scheduled"), ("scheduled", "contacted")]
)
def test_a_correction_may_go_back_and_reopens_a_closed_request(medical_center, clerk, current, status):
    # A request that was once scheduled: a correction back to scheduled keeps its visit.
    visit = visit_on(THURSDAY, 10, medical_center)
    request = make_request(
        medical_center,
        status=current,
        closing_reason="duplicate" if current == "closed" else "",
        visit_at=visit.at,
        visit_office=medical_center,
    )
    move_to(request, status, by=clerk, correction=True)
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (status, clerk)
    assert request.closed_at is None and request.closing_reason == ""


def test_a_move_starts_from_the_stored_status_not_a_stale_copy(medical_center, clerk):
    request = make_request(medical_center)
    move_to(AppointmentRequest.objects.get(pk=request.pk), "closed", by=clerk, closing_reason="duplicate")
    with pytest.raises(IllegalMove):
        move_to(request, "contacted", by=clerk)  # this copy still says "new"
    request.refresh_from_db()
    assert request.status == "closed"


def test_a_request_purged_meanwhile_cannot_be_moved(medical_center, clerk):
    request = make_request(medical_center)
    AppointmentRequest.objects.filter(pk=request.pk).delete()
    with pytest.raises(IllegalMove) as refused:
        move_to(request, "contacted", by=clerk)
    assert refused.value.message_dict == {"status": ["This request no longer exists."]}
    assert not AppointmentRequest.objects.exists()


# --- One business day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (clinic(2026, 12, 8, 10, 30), clinic(2026, 12, 7, 10, 30)),  # Tuesday: Monday, same time
        (clinic(2026, 12, 7, 16, 0), clinic(2026, 12, 4, 16, 0)),  # Monday: the Friday before
        (clinic(2026, 12, 5, 11, 0), clinic(2026, 12, 4, 0, 0)),  # Saturday: clock stopped Friday
        (clinic(2026, 12, 6, 23, 0), clinic(2026, 12, 4, 0, 0)),  # Sunday: likewise
    ],
)
def test_one_business_day_before_skips_weekends(now, cutoff):
    assert one_business_day_before(now) == cutoff


def test_one_business_day_is_counted_on_the_clinic_clock_not_utc():
    # Monday 20:00 in El Paso is Tuesday 03:00 UTC: the business day before is Friday 20:00.
    monday_evening_utc = clinic(2026, 12, 7, 20, 0).astimezone(datetime.UTC)
    assert one_business_day_before(monday_evening_utc) == clinic(2026, 12, 4, 20, 0)


def test_one_business_day_across_the_daylight_saving_change():
    # Clocks go back on Sunday, November 1, 2026; Monday 09:00 is one business day after Friday 09:00.
    assert one_business_day_before(clinic(2026, 11, 2, 9, 0)) == clinic(2026, 10, 30, 9, 0)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (clinic(2026, 12, 4, 23, 0), False),  # Friday night
        (clinic(2026, 12, 5, 12, 0), False),  # Saturday
        (clinic(2026, 12, 6, 12, 0), False),  # Sunday
        (clinic(2026, 12, 7, 14, 59), False),  # Monday, a minute before
        (clinic(2026, 12, 7, 15, 1), True),  # Monday afternoon
    ],
)
def test_a_request_received_friday_afternoon_is_overdue_monday_afternoon(medical_center, now, overdue):
    request = make_request(medical_center, received=FRIDAY_AFTERNOON)
    with time_machine.travel(now, tick=False):
        assert request.is_overdue() is overdue
        assert AppointmentRequest.objects.overdue().filter(pk=request.pk).exists() is overdue


def test_a_request_received_on_a_weekday_is_overdue_the_next_weekday(medical_center):
    request = make_request(medical_center, received=clinic(2026, 12, 2, 10, 0))  # Wednesday
    assert not request.is_overdue(clinic(2026, 12, 3, 9, 59))
    assert request.is_overdue(clinic(2026, 12, 3, 10, 1))


def test_a_request_received_on_saturday_is_overdue_from_tuesday(medical_center):
    request = make_request(medical_center, received=clinic(2026, 12, 5, 10, 0))
    assert not request.is_overdue(clinic(2026, 12, 7, 23, 59))
    assert request.is_overdue(clinic(2026, 12, 8, 0, 1))


def test_a_request_already_contacted_is_never_overdue(medical_center):
    request = make_request(medical_center, received=clinic(2026, 11, 2, 10, 0), status="contacted")
    assert not request.is_overdue()
    assert not AppointmentRequest.objects.overdue().exists()


def test_queue_counts_new_overdue_and_handled_today(medical_center):
    make_request(medical_center)  # new, received today
    make_request(medical_center, received=clinic(2026, 11, 27, 9, 0))  # new since last Friday: overdue
    contacted_today = make_request(medical_center, received=clinic(2026, 11, 26, 9, 0))
    closed_today = make_request(medical_center, received=clinic(2026, 11, 25, 9, 0))
    contacted_earlier = make_request(medical_center, received=clinic(2026, 11, 20, 9, 0))
    with time_machine.travel(clinic(2026, 11, 23, 9, 0), tick=False):
        contacted_earlier.status = "contacted"
        contacted_earlier.save()
    contacted_today.status = "contacted"
    contacted_today.save()
    closed_today.status, closed_today.closing_reason = "closed", "duplicate"
    closed_today.save()
    assert AppointmentRequest.objects.queue_counts() == {"new": 2, "overdue": 1, "handled_today": 2}
