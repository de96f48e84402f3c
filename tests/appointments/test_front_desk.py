"""The front desk's day (appointments/front_desk.py): the call list, who has a request, the
call's actions on the request's own page, and the day sheet."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from appointments.models import CallAttempt, CancelledBy, ClosingReason, Status
from appointments.workflow import move_to
from staff.models import AccessRecord
from tests.conftest import staff_login
from tests.factories import StaffFactory

from .conftest import CLINIC_ZONE, NOW, PATIENT, THURSDAY, make_request, visit_on

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"
NAME = f"{PATIENT['first_name']} {PATIENT['last_name']}"


def page_of(request, view=""):
    return f"{CHANGELIST}{request.pk}/{view or 'change'}/"


def clinic(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CLINIC_ZONE)


def shown(response):
    return [request.pk for request in response.context["cl"].result_list]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def frontdesk(front_desk_client):
    return User.objects.get(username="frontdesk")


@pytest.fixture
def colleague(db):
    return StaffFactory(username="rosa", groups=["Front desk"])


# --- The call list ------------------------------------------------------------------------------


def test_the_call_list_puts_overdue_first_then_replies_then_the_oldest(front_desk_client, medical_center):
    newest = make_request(medical_center, received=clinic(2026, 12, 1, 8, 0))
    oldest_waiting = make_request(medical_center, received=clinic(2026, 11, 30, 15, 0))
    overdue = make_request(medical_center, received=clinic(2026, 11, 27, 9, 0))
    replied = make_request(medical_center, received=clinic(2026, 11, 20, 9, 0), status=Status.CONTACTED)
    replied.needs_attention = True
    replied.save()
    contacted = make_request(medical_center, received=clinic(2026, 11, 30, 16, 0), status=Status.CONTACTED)
    make_request(medical_center, received=clinic(2026, 11, 25, 9, 0), status=Status.CLOSED, closing_reason="duplicate")

    response = front_desk_client.get(CHANGELIST, {"queue": "call"})

    assert response.status_code == 200
    assert shown(response) == [overdue.pk, replied.pk, oldest_waiting.pk, contacted.pk, newest.pk]


def test_the_list_filters_by_call_back_language_and_by_who_has_it(
    front_desk_client, frontdesk, colleague, medical_center
):
    spanish = make_request(medical_center, callback_language="es")
    english = make_request(medical_center, callback_language="en", taken_by=frontdesk)
    theirs = make_request(medical_center, callback_language="en", taken_by=colleague)

    assert shown(front_desk_client.get(CHANGELIST, {"callback_language__exact": "es"})) == [spanish.pk]
    assert shown(front_desk_client.get(CHANGELIST, {"taken": "mine"})) == [english.pk]
    assert shown(front_desk_client.get(CHANGELIST, {"taken": "nobody"})) == [spanish.pk]
    assert shown(front_desk_client.get(CHANGELIST, {"taken": "others"})) == [theirs.pk]


def test_a_row_has_the_phone_to_dial_the_language_badge_and_who_has_it(front_desk_client, colleague, medical_center):
    request = make_request(medical_center, callback_language="es", taken_by=colleague)
    CallAttempt.objects.create(request=request, by=colleague, at=clinic(2026, 12, 1, 8, 30))
    CallAttempt.objects.create(request=request, by=colleague, at=clinic(2026, 12, 1, 8, 45))

    html = front_desk_client.get(CHANGELIST, {"queue": "call"}).content.decode()

    assert '<a class="tel-link" href="tel:+19155550123">(915) 555-0123</a>' in html
    assert '<span class="language-badge" title="Call back in Español">ES</span>' in html
    assert "Tue, Dec 1, 8:45 a.m.<br>rosa · 2 tries" in html
    assert f'aria-label="Take {NAME}"' in html


def test_the_index_counts_the_day_and_shows_the_most_urgent_patient_to_dial(front_desk_client, medical_center):
    make_request(medical_center, received=clinic(2026, 11, 27, 9, 0))
    replied = make_request(medical_center, status=Status.CONTACTED)
    replied.needs_attention = True
    replied.save()
    booked = make_request(medical_center, status=Status.CONTACTED)
    move_to(booked, Status.SCHEDULED, by=None, visit=visit_on(NOW.date(), 15, medical_center))

    response = front_desk_client.get("/admin/")
    html = response.content.decode()

    assert '<span class="queue-count">2</span> to call now' in html
    assert '<span class="queue-count">1</span> patient replied' in html
    assert '<span class="queue-count">1</span> waiting for a call-back' in html
    assert '<span class="queue-count">1</span> visits today' in html
    assert f'href="{CHANGELIST}?queue=call"' in html
    # The most urgent patient, with the number to dial, is one click away; that read is recorded.
    assert html.index("tel:+19155550123") < html.index("Next to call") + 600
    listed = AccessRecord.objects.filter(action=AccessRecord.Action.LISTED, detail="admin index, 2 shown")
    assert listed.count() == 2  # one line per patient shown


def test_the_access_review_is_linked_from_the_index_for_superusers_only(admin_client, front_desk_client):
    assert "/admin/access-review/" in admin_client.get("/admin/").content.decode()
    assert "/admin/access-review/" not in front_desk_client.get("/admin/").content.decode()


# --- Who has it -------------------------------------------------------------------------------


def test_taking_a_free_request_is_one_post_and_shows_the_name_to_others(
    front_desk_client, frontdesk, colleague, medical_center
):
    request = make_request(medical_center)
    response = front_desk_client.post(page_of(request, "take"), {"next": f"{CHANGELIST}?queue=call&q={NAME}"})
    # Back to the list with its filters, but never the search term (it may be a name).
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?queue=call"
    request.refresh_from_db()
    assert (request.taken_by, request.taken_at) == (frontdesk, NOW)

    other = staff_login(front_desk_client.__class__(), colleague)
    assert "frontdesk <button" in other.get(CHANGELIST).content.decode()


def test_taking_a_request_somebody_else_has_asks_first(front_desk_client, frontdesk, colleague, medical_center):
    request = make_request(medical_center, taken_by=colleague)

    asked = front_desk_client.post(page_of(request, "take"))
    assert asked.status_code == 200
    assert "rosa took" in asked.content.decode()
    request.refresh_from_db()
    assert request.taken_by == colleague
    # The question names the patient: a read, recorded.
    assert AccessRecord.objects.filter(reference=request.reference, action="opened", detail="take").exists()

    front_desk_client.post(page_of(request, "take"), {"confirm": "yes"})
    request.refresh_from_db()
    assert request.taken_by == frontdesk


def test_releasing_a_request_leaves_it_free(front_desk_client, frontdesk, medical_center):
    request = make_request(medical_center, taken_by=frontdesk)
    front_desk_client.post(page_of(request, "release"))
    request.refresh_from_db()
    assert request.taken_by is None


def test_the_request_actions_refuse_a_get_and_a_request_that_does_not_exist(front_desk_client, medical_center):
    request = make_request(medical_center)
    assert front_desk_client.get(page_of(request, "take")).status_code == 404
    assert front_desk_client.post(f"{CHANGELIST}999999/no-answer/").status_code == 404


def test_the_request_actions_refuse_staff_without_the_right(editor_client, medical_center):
    request = make_request(medical_center)
    for view in ["take", "release", "no-answer", "schedule", "cancel-visit", "close"]:
        assert editor_client.post(page_of(request, view)).status_code == 403, view


# --- The call on one screen ---------------------------------------------------------------------


def test_the_requests_page_opens_on_the_call_header(front_desk_client, medical_center):
    request = make_request(medical_center, callback_language="es")
    response = front_desk_client.get(page_of(request))
    html = response.content.decode()

    assert f"<h1>{NAME} " in html
    header = html[html.index('class="call-header"') : html.index('id="appointmentrequest_form"')]
    for fact in ["tel:+19155550123", "Español", "Thu, Dec 3 · Afternoon", "Restless legs", PATIENT["message"]]:
        assert fact in header, fact
    # Save on top as well as at the bottom; the answers first; the empty visit and "Read by" shut.
    assert html.count('name="_save"') == 2
    heading = r'<h2 id="fieldset-[^"]*-heading" class="fieldset-heading">([^<]*)'
    assert re.findall(heading, html)[:2] == ["The patient&#x27;s answers", "Front desk"]
    collapsed = re.findall(r"<details><summary>\s*" + heading, html)
    assert collapsed == ["Visit", "Call attempts", "Record", "Read by"]


# --- No answer ------------------------------------------------------------------------------------


def test_no_answer_records_the_attempt_with_person_and_time_and_sets_contacted(
    front_desk_client, frontdesk, medical_center
):
    request = make_request(medical_center)

    response = front_desk_client.post(page_of(request, "no-answer"), {"no_answer-note": "left a message"})

    assert response.status_code == 302
    (attempt,) = request.call_attempts.all()
    assert (attempt.by, attempt.at, attempt.note) == (frontdesk, NOW, "left a message")
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (Status.CONTACTED, frontdesk)
    assert messages_of(response) == [f"No answer from {NAME} recorded (call 1)."]

    # A second try keeps it contacted and counts on.
    front_desk_client.post(page_of(request, "no-answer"))
    assert request.call_attempts.count() == 2
    request.refresh_from_db()
    assert request.status == Status.CONTACTED


def test_a_note_too_long_is_refused_with_a_message_not_an_error(front_desk_client, medical_center):
    request = make_request(medical_center)
    response = front_desk_client.post(page_of(request, "no-answer"), {"no_answer-note": "x" * 201})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert not request.call_attempts.exists()


# --- Schedule, cancel, close ----------------------------------------------------------------------


def schedule(client, request, office, day=THURSDAY, time="09:30", note=""):
    data = {"schedule-date": day, "schedule-time": time, "schedule-office": office.pk, "schedule-note": note}
    return client.post(page_of(request, "schedule"), data)


def test_scheduling_on_the_requests_page_books_the_visit_and_names_it(
    front_desk_client, frontdesk, medical_center, dean_martin
):
    request = make_request(medical_center)

    # Dean Martin opens at 1 PM on Thursdays.
    response = schedule(front_desk_client, request, dean_martin, time="14:30", note="bring the referral")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED
    assert request.visit == visit_on(THURSDAY, 14, dean_martin, 30)
    assert "frontdesk: bring the referral" in request.staff_notes
    assert messages_of(response) == [f"{NAME}'s visit is scheduled: Thu, Dec 3, 2:30 p.m. at Dean Martin."]


def test_scheduling_outside_the_offices_hours_keeps_the_page_and_the_note(front_desk_client, medical_center):
    request = make_request(medical_center)
    saturday = datetime.date(2026, 12, 5)

    response = schedule(front_desk_client, request, medical_center, day=saturday, note="keep me")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Medical Center Drive is closed on Saturday, December 5." in html
    assert 'value="keep me"' in html
    assert '<details class="call-panel" id="schedule" open>' in html
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_a_phone_cancellation_records_who_cancelled(front_desk_client, medical_center):
    request = make_request(medical_center, status=Status.CONTACTED)
    move_to(request, Status.SCHEDULED, by=None, visit=visit_on(THURSDAY, 10, medical_center))

    response = front_desk_client.post(page_of(request, "cancel-visit"), {"cancel-cancelled_by": "patient"})

    request.refresh_from_db()
    assert (request.status, request.cancelled_by) == (Status.VISIT_CANCELLED, CancelledBy.PATIENT)
    assert messages_of(response) == [
        f"{NAME}'s visit on Thu, Dec 3, 10 a.m. at Medical Center Drive is cancelled (the patient, by phone)."
    ]


def test_booking_again_clears_who_cancelled_the_earlier_visit(front_desk_client, medical_center):
    request = make_request(medical_center, status=Status.CONTACTED)
    move_to(request, Status.SCHEDULED, by=None, visit=visit_on(THURSDAY, 10, medical_center))
    front_desk_client.post(page_of(request, "cancel-visit"), {"cancel-cancelled_by": "patient"})
    schedule(front_desk_client, request, medical_center, time="11:00")
    request.refresh_from_db()
    assert (request.status, request.cancelled_by) == (Status.SCHEDULED, "")


def test_a_cancellation_made_in_bulk_can_be_marked_as_the_patients_on_its_page(front_desk_client, medical_center):
    request = make_request(medical_center, status=Status.CONTACTED)
    move_to(request, Status.SCHEDULED, by=None, visit=visit_on(THURSDAY, 10, medical_center))
    move_to(request, Status.VISIT_CANCELLED, by=None)
    form = {"status": "cancelled", "closing_reason": "", "staff_notes": "", "cancelled_by": "patient"}
    assert front_desk_client.post(page_of(request), form).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.cancelled_by) == (Status.VISIT_CANCELLED, CancelledBy.PATIENT)


def test_cancelling_without_a_visit_is_refused_by_the_workflow(front_desk_client, medical_center):
    request = make_request(medical_center)
    front_desk_client.post(page_of(request, "cancel-visit"), {"cancel-cancelled_by": "practice"})
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_closing_asks_the_reason(front_desk_client, medical_center):
    request = make_request(medical_center)
    assert front_desk_client.post(page_of(request, "close"), {"close-closing_reason": "bogus"}).status_code == 400
    response = front_desk_client.post(page_of(request, "close"), {"close-closing_reason": "duplicate"})
    request.refresh_from_db()
    assert (request.status, request.closing_reason) == (Status.CLOSED, ClosingReason.DUPLICATE)
    assert messages_of(response) == [f"{NAME}'s request is closed: duplicate request."]


def test_choosing_scheduled_by_hand_saves_the_note_and_opens_the_schedule_panel(front_desk_client, medical_center):
    request = make_request(medical_center)
    form = {"status": "scheduled", "closing_reason": "", "staff_notes": "prefers mornings"}

    response = front_desk_client.post(page_of(request), form)

    assert response.status_code == 302
    assert response["Location"] == f"{page_of(request)}?do=schedule#schedule"
    request.refresh_from_db()
    assert (request.status, request.staff_notes) == (Status.NEW, "prefers mornings")
    opened = front_desk_client.get(response["Location"]).content.decode()
    assert '<details class="call-panel" id="schedule" open>' in opened
    assert "To finish, choose the visit&#x27;s date, time and office below." in opened


def test_choosing_visit_cancelled_by_hand_asks_who_cancelled(front_desk_client, medical_center):
    request = make_request(medical_center, status=Status.CONTACTED)
    move_to(request, Status.SCHEDULED, by=None, visit=visit_on(THURSDAY, 10, medical_center))
    form = {"status": "cancelled", "closing_reason": "", "staff_notes": "called from work"}

    response = front_desk_client.post(page_of(request), form)

    assert response["Location"] == f"{page_of(request)}?do=cancel#cancel"
    request.refresh_from_db()
    assert (request.status, request.staff_notes) == (Status.SCHEDULED, "called from work")


def test_without_a_visit_there_is_no_cancel_panel_to_lead_to(front_desk_client, medical_center):
    # The workflow alone decides such a correction (move_to), as before this page had panels.
    request = make_request(medical_center)
    form = {"status": "cancelled", "closing_reason": "", "staff_notes": "kept"}

    response = front_desk_client.post(page_of(request), form)

    assert "do=cancel" not in response.get("Location", "")
    request.refresh_from_db()
    assert request.staff_notes == "kept"


def test_messages_naming_patients_stay_out_of_cookies(front_desk_client, medical_center):
    request = make_request(medical_center)
    front_desk_client.post(page_of(request, "no-answer"))
    assert all(PATIENT["last_name"] not in cookie.value for cookie in front_desk_client.cookies.values())


# --- The day sheet --------------------------------------------------------------------------------


def booked(office, day, hour, handled_by=None, **fields):
    request = make_request(office, status=Status.CONTACTED, **fields)
    move_to(request, Status.SCHEDULED, by=handled_by, visit=visit_on(day, hour, office))
    return request


def test_the_day_sheet_lists_todays_visits_in_time_order(front_desk_client, frontdesk, medical_center):
    later = booked(medical_center, NOW.date(), 15, frontdesk)
    earlier = booked(medical_center, NOW.date(), 10, frontdesk)
    booked(medical_center, THURSDAY, 10)

    response = front_desk_client.get(f"{CHANGELIST}day-sheet/")

    assert response.status_code == 200
    assert [row.pk for row, *_rest in response.context["rows"]] == [earlier.pk, later.pk]
    assert AccessRecord.objects.filter(detail="day sheet, 2 shown").count() == 2
    week = front_desk_client.get(f"{CHANGELIST}day-sheet/", {"period": "week"})
    assert len(week.context["rows"]) == 3
    assert shown(front_desk_client.get(CHANGELIST, {"visits": "today"})) == [earlier.pk, later.pk]


def test_the_day_sheet_csv_has_the_visit_and_who_handled_it_formula_safe(front_desk_client, frontdesk, medical_center):
    booked(medical_center, NOW.date(), 15, frontdesk, first_name="=HYPERLINK(1)")

    response = front_desk_client.get(f"{CHANGELIST}day-sheet/csv/")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Visit date",
        "Visit time",
        "Visit office",
        "Patient",
        "Phone",
        "Call back in",
        "Reason",
        "Reference",
        "Handled by",
    ]
    assert rows[1][:3] == ["2026-12-01", "15:00", "Medical Center Drive"]
    assert rows[1][3].startswith("'=HYPERLINK(1)")
    assert rows[1][-1] == "frontdesk"
    assert "no-store" in response["Cache-Control"]
    assert AccessRecord.objects.filter(action=AccessRecord.Action.EXPORTED).count() == 1


def test_the_export_carries_the_visit_and_the_handler(front_desk_client, frontdesk, medical_center):
    request = booked(medical_center, THURSDAY, 10, frontdesk)
    response = front_desk_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(request.pk)]})
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = dict(zip(header, row, strict=True))
    assert (values["Visit date"], values["Visit time"], values["Visit office"], values["Handled by"]) == (
        "2026-12-03",
        "10:00",
        "Medical Center Drive",
        "frontdesk",
    )
