import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import AppointmentRequest, Visit
from appointments.workflow import move_to
from staff.models import AccessRecord
from tests.conftest import staff_login

from .conftest import CLINIC_ZONE, PATIENT, THURSDAY, make_request

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"


def change_url(request):
    return f"{CHANGELIST}{request.pk}/change/"


def clinic(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CLINIC_ZONE)


def listed_references(response):
    return {request.reference for request in response.context["cl"].result_list}


def action(client, name, requests, **extra):
    data = {"action": name, "_selected_action": [str(request.pk) for request in requests], **extra}
    return client.post(CHANGELIST, data)


# --- Who sees requests -------------------------------------------------------------------------


def test_the_front_desk_sees_the_queue(front_desk_client, medical_center):
    request = make_request(medical_center)
    response = front_desk_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert request.display_reference in html
    assert f"{PATIENT['first_name']} {PATIENT['last_name']}" in html
    assert "(915) 555-0123" in html
    assert "Medical Center Drive" in html
    assert 'href="tel:+19155550123"' in html
    columns = ["Patient", "Phone", "Preferred", "Reason", "Office · visit", "Status", "Received · waiting"]
    for column in [*columns, "Last attempt", "Who has it"]:
        assert f">{column}</a>" in html or f">{column}</span>" in html, column


def test_an_editor_gets_403_on_the_request_list(editor_client, medical_center):
    request = make_request(medical_center)
    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(change_url(request)).status_code == 403


def test_an_editor_still_edits_offices(editor_client):
    assert editor_client.get("/admin/locations/location/").status_code == 200


def test_staff_groups_hold_the_right_permissions():
    front_desk = set(Group.objects.get(name="Front desk").permissions.values_list("codename", flat=True))
    assert front_desk == {
        "view_appointmentrequest",
        "change_appointmentrequest",
        "view_location",
        "view_weeklyhours",
        "view_specialdate",
        # The pre-visit packet (packets migration 0003): read, mark entered, keep the questions.
        "view_packet",
        "change_packet",
        "view_packetimage",
        "add_question",
        "change_question",
        "view_question",
    }
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert not {codename for codename in editors if "appointmentrequest" in codename}
    assert {"add_article", "change_article", "delete_article", "view_article", "change_location"} <= editors
    assert {"change_clinic", "view_clinic", "add_specialdate", "delete_weeklyhours"} <= editors


def test_nobody_adds_requests_in_admin(front_desk_client):
    assert front_desk_client.get(f"{CHANGELIST}add/").status_code == 403


def test_admin_pages_showing_requests_are_never_cached(front_desk_client, medical_center):
    request = make_request(medical_center)
    for url in [CHANGELIST, change_url(request), f"{CHANGELIST}{request.pk}/history/"]:
        assert "no-store" in front_desk_client.get(url)["Cache-Control"], url


def test_the_change_list_runs_a_constant_number_of_queries(front_desk_client, medical_center, dean_martin):
    make_request(medical_center)
    with CaptureQueriesContext(connection) as few:
        front_desk_client.get(CHANGELIST)
    for index in range(20):
        make_request(dean_martin if index % 2 else medical_center, status="contacted" if index % 3 else "new")
    with CaptureQueriesContext(connection) as many:
        response = front_desk_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 21
    assert len(many) == len(few)


# --- Filters and search ------------------------------------------------------------------------


def test_filters_by_status_office_patient_kind_and_dates(front_desk_client, medical_center, dean_martin):
    new_here = make_request(medical_center, patient_kind="returning")
    contacted_there = make_request(dean_martin, status="contacted", preferred_date=datetime.date(2026, 12, 2))
    old = make_request(medical_center, received=clinic(2026, 11, 2, 10))

    def listed(**params):
        return listed_references(front_desk_client.get(CHANGELIST, params))

    assert listed(status__exact="contacted") == {contacted_there.reference}
    assert listed(location__id__exact=dean_martin.pk) == {contacted_there.reference}
    assert listed(patient_kind__exact="returning") == {new_here.reference}
    assert listed(preferred="tomorrow") == {contacted_there.reference}
    week_ago = {"created_at__gte": "2026-11-24 00:00:00-07:00", "created_at__lt": "2026-12-02 00:00:00-07:00"}
    assert listed(**week_ago) == {new_here.reference, contacted_there.reference}
    assert listed(overdue="yes") == {old.reference}


def test_the_overdue_filter_and_badge_follow_business_days(front_desk_client, medical_center):
    friday = make_request(medical_center, received=clinic(2026, 12, 4, 15, 0))
    staff = User.objects.get(username="frontdesk")
    with time_machine.travel(clinic(2026, 12, 7, 10, 0), tick=False):  # Monday morning
        staff_login(front_desk_client, staff)  # the idle session ran out over the weekend
        response = front_desk_client.get(CHANGELIST)
        assert "⚠ Overdue" not in response.content.decode()
        assert listed_references(front_desk_client.get(CHANGELIST, {"overdue": "yes"})) == set()
    with time_machine.travel(clinic(2026, 12, 7, 15, 30), tick=False):  # Monday afternoon
        staff_login(front_desk_client, staff)
        response = front_desk_client.get(CHANGELIST)
        assert '<span class="overdue-badge">⚠ Overdue</span>' in response.content.decode()
        assert listed_references(front_desk_client.get(CHANGELIST, {"overdue": "yes"})) == {friday.reference}


@pytest.mark.parametrize(
    "term",
    [
        "display_reference",
        "reference",
        "lowercase_reference",
        PATIENT["last_name"],
        PATIENT["first_name"].lower(),
        "915-555-0123",
        "(915) 555-0123",
        "5550123",
        PATIENT["email"],
    ],
)
def test_search_finds_a_request_by_reference_name_phone_or_email(front_desk_client, medical_center, dean_martin, term):
    wanted = make_request(medical_center)
    make_request(dean_martin, first_name="Other", last_name="Person", phone="+19155550199", email="other@example.com")
    term = {
        "display_reference": wanted.display_reference,
        "reference": wanted.reference,
        "lowercase_reference": wanted.display_reference.lower(),
    }.get(term, term)
    assert listed_references(front_desk_client.get(CHANGELIST, {"q": term})) == {wanted.reference}


# --- Working a request -------------------------------------------------------------------------


def test_the_patients_answers_are_read_only_and_staff_fields_editable(front_desk_client, medical_center):
    request = make_request(medical_center)
    html = front_desk_client.get(change_url(request)).content.decode()
    assert 'name="status"' in html and 'name="staff_notes"' in html and 'name="closing_reason"' in html
    for answer in ["first_name", "last_name", "phone", "email", "message", "location", "preferred_date"]:
        assert f'name="{answer}"' not in html, answer
    assert PATIENT["message"] in html

    response = front_desk_client.post(
        change_url(request),
        {"status": "contacted", "closing_reason": "", "staff_notes": "Left a voicemail", "first_name": "Changed"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "contacted"
    assert request.staff_notes == "Left a voicemail"
    assert request.first_name == PATIENT["first_name"]
    assert request.handled_by.username == "frontdesk"
    assert request.first_contacted_at is not None


def test_closing_in_the_form_needs_a_reason(front_desk_client, medical_center):
    request = make_request(medical_center)
    response = front_desk_client.post(
        change_url(request), {"status": "closed", "closing_reason": "", "staff_notes": ""}
    )
    assert response.status_code == 200
    assert "Choose why the request is closed." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "new"


def test_an_illegal_move_in_the_form_is_refused_beside_the_status(front_desk_client, medical_center):
    request = make_request(medical_center, status="contacted")
    response = front_desk_client.post(change_url(request), {"status": "new", "closing_reason": "", "staff_notes": ""})
    assert response.status_code == 200
    assert "A request that has been handled cannot go back to new." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "contacted"


def test_a_closed_request_is_reopened_on_its_own_page(front_desk_client, medical_center):
    request = make_request(medical_center, status="closed", closing_reason="duplicate")
    response = front_desk_client.post(
        change_url(request), {"status": "contacted", "closing_reason": "duplicate", "staff_notes": ""}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.closing_reason, request.closed_at) == ("contacted", "", None)
    assert request.handled_by.username == "frontdesk"


def test_the_history_shows_who_changed_what(front_desk_client, medical_center):
    request = make_request(medical_center)
    front_desk_client.post(change_url(request), {"status": "contacted", "closing_reason": "", "staff_notes": ""})
    html = front_desk_client.get(f"{CHANGELIST}{request.pk}/history/").content.decode()
    assert "frontdesk" in html
    assert "Changed Status" in html


def test_mark_contacted_stamps_each_request_and_logs_each_one(front_desk_client, medical_center):
    requests = [make_request(medical_center) for _ in range(3)]
    response = action(front_desk_client, "mark_contacted", requests)
    assert response.status_code == 302
    for request in requests:
        request.refresh_from_db()
        assert request.status == "contacted"
        assert request.first_contacted_at is not None
        assert request.handled_by.username == "frontdesk"
    entries = LogEntry.objects.filter(action_flag=CHANGE, object_id__in=[str(request.pk) for request in requests])
    assert entries.count() == 3
    assert {entry.user.username for entry in entries} == {"frontdesk"}


def test_mark_contacted_leaves_requests_further_along_alone(front_desk_client, medical_center):
    scheduled = make_request(medical_center, status="scheduled")
    action(front_desk_client, "mark_contacted", [scheduled])
    scheduled.refresh_from_db()
    assert scheduled.status == "scheduled"
    assert not LogEntry.objects.filter(object_id=str(scheduled.pk)).exists()


def test_mark_contacted_never_reopens_a_closed_request(front_desk_client, medical_center):
    closed = make_request(medical_center, status="closed", closing_reason="booked")
    response = front_desk_client.post(
        CHANGELIST, {"action": "mark_contacted", "_selected_action": [str(closed.pk)]}, follow=True
    )
    assert "1 request(s) left as they were: already contacted or further along." in response.content.decode()
    closed.refresh_from_db()
    assert (closed.status, closed.closing_reason) == ("closed", "booked")
    assert not LogEntry.objects.filter(object_id=str(closed.pk)).exists()


def test_mark_scheduled_asks_for_the_visit_then_records_it_and_who_set_it(front_desk_client, medical_center):
    request = make_request(medical_center, status="contacted")
    ask = action(front_desk_client, "mark_scheduled", [request])
    assert ask.status_code == 200
    assert 'type="date"' in ask.content.decode()
    done = action(
        front_desk_client,
        "mark_scheduled",
        [request],
        apply="yes",
        date="2026-12-03",
        time="10:30",
        office=str(medical_center.pk),
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "scheduled"
    assert timezone.localtime(request.visit_at) == datetime.datetime(2026, 12, 3, 10, 30, tzinfo=CLINIC_ZONE)
    assert (request.visit_office, request.handled_by.username) == (medical_center, "frontdesk")
    [entry] = LogEntry.objects.filter(object_id=str(request.pk))
    assert "Visit" in entry.get_change_message()


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        ("2026-12-05", "10:00", "Medical Center Drive is closed on Saturday, December 5."),
        ("2026-12-03", "06:00", "choose a time within its hours"),
        ("2026-11-30", "10:00", "The visit must be in the future."),
    ],
)
def test_a_visit_outside_the_offices_hours_is_refused_with_a_message(
    front_desk_client, medical_center, day, time, message
):
    request = make_request(medical_center, status="contacted")
    data = {"apply": "yes", "date": day, "time": time, "office": str(medical_center.pk)}
    response = action(front_desk_client, "mark_scheduled", [request], **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.visit_at) == ("contacted", None)


def test_marking_a_visit_cancelled_moves_the_request_and_changes_the_visits_version(front_desk_client, medical_center):
    request = make_request(medical_center, status="contacted")
    move_to(request, "scheduled", by=None, visit=Visit.at_clinic_time(THURSDAY, datetime.time(10), medical_center))
    action(front_desk_client, "mark_visit_cancelled", [request])
    request.refresh_from_db()
    assert (request.status, request.visit_sequence) == ("cancelled", 1)


def test_closing_asks_for_a_reason_then_closes_and_logs(front_desk_client, medical_center):
    requests = [make_request(medical_center), make_request(medical_center, status="scheduled")]
    confirm = action(front_desk_client, "close_requests", requests)
    assert confirm.status_code == 200
    assert "Closing reason" in confirm.content.decode()
    assert AppointmentRequest.objects.filter(status="closed").count() == 0

    done = action(front_desk_client, "close_requests", requests, apply="yes", closing_reason="booked")
    assert done.status_code == 302
    for request in requests:
        request.refresh_from_db()
        assert (request.status, request.closing_reason) == ("closed", "booked")
        assert request.closed_at is not None
    assert LogEntry.objects.filter(object_id__in=[str(request.pk) for request in requests]).count() == 2


def test_export_csv_holds_the_selection_and_defuses_formulas(front_desk_client, medical_center):
    plain = make_request(medical_center)
    risky = make_request(medical_center, first_name="=HYPERLINK(1)", last_name="@SUM", message="-2+3", staff_notes="+x")
    make_request(medical_center, first_name="Not", last_name="Selected")
    response = action(front_desk_client, "export_csv", [plain, risky])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *records = rows
    assert header[:6] == ["Reference", "Received", "First name", "Last name", "Phone", "Email"]
    assert [record[0] for record in records] == [plain.display_reference, risky.display_reference]
    assert records[0][2:5] == [PATIENT["first_name"], PATIENT["last_name"], "(915) 555-0123"]
    assert records[1][2:4] == ["'=HYPERLINK(1)", "'@SUM"]
    assert records[1][header.index("Message")] == "'-2+3"
    assert records[1][header.index("Staff notes")] == "'+x"
    assert "Selected" not in response.content.decode()


def test_the_admin_index_shows_the_queue_at_a_glance(front_desk_client, medical_center):
    make_request(medical_center)
    make_request(medical_center, received=clinic(2026, 11, 27, 9, 0))
    html = front_desk_client.get("/admin/").content.decode()
    assert 'id="appointment-queue"' in html
    assert '<span class="queue-count">2</span> to call now' in html
    assert "⚠ 1 overdue" in html
    assert '<span class="queue-count">2</span> waiting for a call-back' in html
    assert '<span class="queue-count">0</span> handled today' in html


def test_the_queue_is_not_shown_to_editors(editor_client, medical_center):
    make_request(medical_center)
    html = editor_client.get("/admin/").content.decode()
    assert 'id="appointment-queue"' not in html


# --- Reads leave a trace -------------------------------------------------------------------------


def test_opening_a_request_records_who_read_it(front_desk_client, medical_center):
    request = make_request(medical_center)
    front_desk_client.get(change_url(request))
    (access,) = AccessRecord.objects.filter(reference=request.reference)
    assert (access.action, access.username) == (AccessRecord.Action.OPENED, "frontdesk")
    shown = front_desk_client.get(change_url(request)).content.decode()
    assert "Opened · frontdesk" in shown


def test_exporting_requests_records_each_one(front_desk_client, medical_center):
    exported = [make_request(medical_center) for _ in range(3)]
    untouched = make_request(medical_center)
    response = action(front_desk_client, "export_csv", exported)
    assert response.status_code == 200
    assert set(
        AccessRecord.objects.filter(action=AccessRecord.Action.EXPORTED).values_list("reference", flat=True)
    ) == {request.reference for request in exported}
    assert not AccessRecord.objects.filter(reference=untouched.reference).exists()
