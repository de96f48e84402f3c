"""The Good Faith Estimate clock: the form's question, the due date set when a visit is booked,
the queue's filters, the actions, and the staff e-mail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.good_faith_estimate import estimate_due_on
from appointments.models import AppointmentRequest, Visit
from appointments.workflow import move_to
from locations.models import DayKind, SpecialDate
from tests.conftest import clinic_time, travel_to
from tests.smtp import message_text

from .conftest import PATIENT, TODAY, form_data, make_request, run_worker

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appointments_appointmentrequest_changelist")
TEN_AM = datetime.time(10)


def book(request, day, by=None, at=TEN_AM):
    """The front desk schedules the visit (now, on the test's clock) at Medical Center Drive."""
    move_to(request, "scheduled", by=by, visit=Visit.at_clinic_time(day, at, request.location))
    return AppointmentRequest.objects.get(pk=request.pk)


def self_pay(office, **fields):
    return make_request(office, status="contacted", insurance="self_pay", **fields)


# --- the rule, booked from Tuesday, December 1 (no closures) --------------------------------


@pytest.mark.parametrize(
    ("ahead", "visit_on", "due_on"),
    [
        (2, datetime.date(2026, 12, 3), None),  # under 3 business days: no estimate required
        (3, datetime.date(2026, 12, 4), datetime.date(2026, 12, 2)),  # 1 business day
        (9, datetime.date(2026, 12, 14), datetime.date(2026, 12, 2)),  # across a weekend, still 1
        (10, datetime.date(2026, 12, 15), datetime.date(2026, 12, 4)),  # 3 business days
        (30, datetime.date(2027, 1, 12), datetime.date(2026, 12, 4)),
    ],
)
def test_the_due_date_for_a_visit_booked_so_many_business_days_ahead(medical_center, ahead, visit_on, due_on):
    booked = book(self_pay(medical_center), visit_on)
    assert booked.estimate_due_on == due_on
    assert estimate_due_on(TODAY, visit_on) == due_on


@pytest.mark.parametrize("insurance", ["self_pay", "not_sure"])
def test_no_insurance_or_not_sure_starts_the_clock_and_insurance_does_not(medical_center, insurance):
    visit_on = datetime.date(2026, 12, 4)
    assert book(make_request(medical_center, status="contacted", insurance=insurance), visit_on).estimate_due_on
    assert book(make_request(medical_center, status="contacted", insurance="yes"), visit_on).estimate_due_on is None


def test_scheduled_on_a_friday_the_day_due_is_after_the_weekend(medical_center):
    request = self_pay(medical_center)
    with travel_to(clinic_time(2026, 12, 4, 16)):  # Friday afternoon
        assert book(request, datetime.date(2026, 12, 9)).estimate_due_on == datetime.date(2026, 12, 7)  # Monday
        assert book(request, datetime.date(2026, 12, 18)).estimate_due_on == datetime.date(2026, 12, 9)


def test_an_office_closure_is_no_business_day(medical_center):
    SpecialDate.objects.create(location=medical_center, date=datetime.date(2026, 12, 2), kind=DayKind.CLOSED)
    request = self_pay(medical_center)
    # Thursday, Friday: two business days ahead once Wednesday is closed, so none is due.
    assert book(request, datetime.date(2026, 12, 4)).estimate_due_on is None
    # Thursday, Friday, Monday: three, so due the first business day after Tuesday, Thursday.
    assert book(request, datetime.date(2026, 12, 7)).estimate_due_on == datetime.date(2026, 12, 3)


def test_the_clinic_date_counts_across_the_daylight_saving_change(medical_center):
    """Thursday 11:30 PM in El Paso is Friday in UTC; the clocks fall back on Sunday, November 1."""
    request = self_pay(medical_center)
    with travel_to(clinic_time(2026, 10, 29, 23, 30)):
        # Friday, Monday, Tuesday: three business days ahead of Thursday, due Friday.
        assert book(request, datetime.date(2026, 11, 3)).estimate_due_on == datetime.date(2026, 10, 30)
        # Scheduled late on Friday for a visit ten business days on, across the change.
    with travel_to(clinic_time(2026, 10, 30, 23, 30)):
        assert book(request, datetime.date(2026, 11, 13)).estimate_due_on == datetime.date(2026, 11, 4)


def test_when_the_patient_asks_the_estimate_is_due_in_three_business_days(medical_center, admin_client):
    insured = make_request(medical_center, status="contacted", insurance="yes")
    insured = book(insured, datetime.date(2026, 12, 4))
    assert insured.estimate_due_on is None
    response = admin_client.post(
        CHANGELIST, {"action": "mark_estimate_requested", "_selected_action": [insured.pk]}, follow=True
    )
    assert response.status_code == 200
    insured.refresh_from_db()
    assert insured.estimate_requested and insured.estimate_due_on == datetime.date(2026, 12, 4)
    # Two business days ahead only, but asked for: due all the same.
    assert book(insured, datetime.date(2026, 12, 3)).estimate_due_on == datetime.date(2026, 12, 4)


def test_an_estimate_already_sent_keeps_its_record_when_the_visit_moves(medical_center):
    request = book(self_pay(medical_center), datetime.date(2026, 12, 4))
    request.estimate_sent_at = timezone.now()
    request.save()
    moved = book(request, datetime.date(2026, 12, 15))
    assert (moved.estimate_due_on, moved.estimate_sent_at) == (datetime.date(2026, 12, 2), request.estimate_sent_at)


# --- the queue ------------------------------------------------------------------------------


@pytest.fixture
def estimates(medical_center):
    """One estimate due, one overdue, one sent, one for an insured patient, one cancelled visit."""
    with travel_to(clinic_time(2026, 11, 24, 9)):  # the Tuesday before: due Wednesday, Nov 25
        overdue = book(self_pay(medical_center), datetime.date(2026, 12, 3))
        sent = book(self_pay(medical_center), datetime.date(2026, 12, 3))
        cancelled = book(self_pay(medical_center), datetime.date(2026, 12, 3))
    move_to(cancelled, "cancelled", by=None)
    due = book(self_pay(medical_center), datetime.date(2026, 12, 4))
    insured = book(make_request(medical_center, status="contacted", insurance="yes"), datetime.date(2026, 12, 4))
    AppointmentRequest.objects.filter(pk=sent.pk).update(estimate_sent_at=timezone.now())
    return {"due": due, "overdue": overdue, "sent": sent, "insured": insured, "cancelled": cancelled}


def listed(client, query):
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_queue_filters_estimates_due_and_overdue(front_desk_client, estimates):
    assert listed(front_desk_client, "estimate=due") == {estimates["due"].pk}
    assert listed(front_desk_client, "estimate=overdue") == {estimates["overdue"].pk}
    page = front_desk_client.get(CHANGELIST).content.decode()
    # The list shows it among the row's flags, short, so the list still fits the screen.
    assert "GFE due Dec 2" in page
    assert "⚠ GFE overdue (Nov 25)" in page


def test_the_request_page_shows_the_due_date(front_desk_client, estimates):
    url = reverse("admin:appointments_appointmentrequest_change", args=[estimates["due"].pk])
    assert "Good Faith Estimate due by Wed, Dec 2, 2026" in front_desk_client.get(url).content.decode()


def test_marking_the_estimate_sent_records_who_and_when(front_desk_client, estimates):
    chosen = [estimates["due"].pk, estimates["overdue"].pk, estimates["insured"].pk]
    response = front_desk_client.post(
        CHANGELIST, {"action": "mark_estimate_sent", "_selected_action": chosen}, follow=True
    )
    assert response.status_code == 200
    for key in ("due", "overdue"):
        marked = AppointmentRequest.objects.get(pk=estimates[key].pk)
        assert (marked.estimate_sent_at, marked.estimate_sent_by.username) == (timezone.now(), "frontdesk")
    assert AppointmentRequest.objects.get(pk=estimates["insured"].pk).estimate_sent_at is None
    assert listed(front_desk_client, "estimate=due") == listed(front_desk_client, "estimate=overdue") == set()


# --- the form and the e-mail ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "question", "answer", "gfe_link", "npp_link"),
    [
        ("", "Will you use health insurance for this visit?", "No, I will pay myself", "your right to a Good Faith "
         "Estimate", "our Notice of Privacy Practices"),
        ("/es", "¿Usará seguro médico para esta visita?", "No, pagaré yo mismo", "su derecho a un Cálculo de buena fe",
         "nuestro Aviso de prácticas de privacidad"),
    ],
)  # fmt: skip
def test_the_form_asks_about_insurance_and_links_the_notices(client, prefix, question, answer, gfe_link, npp_link):
    body = client.get(f"{prefix}/appointments/request/").content.decode()
    assert question in body and answer in body
    assert f'<a href="{prefix}/notices/good-faith-estimate/">{gfe_link}</a>' in body
    assert f'<a href="{prefix}/notices/privacy-practices/">{npp_link}</a>' in body


def test_the_answer_is_required_and_stored(client, medical_center):
    response = client.post("/appointments/request/", form_data(medical_center, insurance=None))
    assert response.status_code == 200
    assert "Please tell us whether you will use health insurance." in response.content.decode()
    assert client.post("/appointments/request/", form_data(medical_center, insurance="forged")).status_code == 200
    assert not AppointmentRequest.objects.exists()
    assert client.post("/appointments/request/", form_data(medical_center, insurance="not_sure")).status_code == 303
    assert AppointmentRequest.objects.get().insurance == "not_sure"


@pytest.mark.parametrize(("insurance", "told"), [("self_pay", True), ("not_sure", True), ("yes", False)])
def test_the_staff_email_says_self_pay_without_patient_details(
    client, medical_center, smtp_server, django_capture_on_commit_callbacks, insurance, told
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/appointments/request/", form_data(medical_center, insurance=insurance))
    run_worker()
    [staff_message] = smtp_server.to("frontdesk@clinic.test")
    text = message_text(staff_message)
    assert ("Self-pay: estimate due." in text) is told
    for detail in (PATIENT["first_name"], PATIENT["last_name"], PATIENT["message"], "915-555-0123"):
        assert detail not in text
