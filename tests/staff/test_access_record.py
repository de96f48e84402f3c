"""Every read of a request leaves a line in the access record, which nobody can edit and which
outlives the request."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from locations.models import Location
from staff.models import AccessRecord
from tests.appointments.conftest import PATIENT, make_request
from tests.conftest import staff_login

from .conftest import ADDRESS, PASSWORD, code_for, enter_code, sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/appointments/appointmentrequest/"
Action = AccessRecord.Action
PATIENT_DATA = [PATIENT["first_name"], PATIENT["last_name"], "5550123", PATIENT["email"], PATIENT["message"]]


@pytest.fixture
def office(db):
    return Location.objects.get(slug="medical-center-drive")


@pytest.fixture
def desk_client(client, front_desk):
    return staff_login(client, front_desk)


def lines(action):
    return list(AccessRecord.objects.filter(action=action))


def assert_no_patient_data():
    for line in AccessRecord.objects.all():
        text = " ".join(str(value) for value in vars(line).values())
        for value in PATIENT_DATA:
            assert value not in text, value


def test_the_change_list_records_exactly_the_requests_it_showed(desk_client, office):
    requests = [make_request(office) for _ in range(55)]
    first = desk_client.get(CHANGELIST)
    shown = {request.reference for request in first.context["cl"].result_list}
    assert len(shown) == 50
    assert {line.reference for line in lines(Action.LISTED)} == shown
    assert all(line.username == "rosa.front" and line.detail == "page 1, 50 shown" for line in lines(Action.LISTED))
    second = desk_client.get(CHANGELIST, {"p": 2})
    rest = {request.reference for request in second.context["cl"].result_list}
    assert rest == {request.reference for request in requests} - shown
    assert AccessRecord.objects.filter(action=Action.LISTED, detail="page 2, 5 shown").count() == 5
    # The second page showed different requests, which the record says.
    assert {line.reference for line in lines(Action.LISTED)} == shown | rest
    assert_no_patient_data()


def test_a_filtered_list_records_only_what_it_showed(desk_client, office):
    new = make_request(office)
    closed = make_request(office, status="closed", closing_reason="booked")
    desk_client.get(CHANGELIST, {"status__exact": "new"})
    assert {line.reference for line in lines(Action.LISTED)} == {new.reference}
    assert not AccessRecord.objects.filter(reference=closed.reference).exists()


def test_a_search_records_what_it_found_but_not_the_name_or_phone_typed(desk_client, office):
    found = make_request(office)
    other = make_request(office, last_name="Ortega", phone="+19155550188")
    for term in [PATIENT["last_name"], "915-555-0123"]:
        response = desk_client.get(CHANGELIST, {"q": term})
        assert {request.reference for request in response.context["cl"].result_list} == {found.reference}
    searches = lines(Action.SEARCHED)
    assert [line.reference for line in searches] == [found.reference, found.reference]
    assert not AccessRecord.objects.filter(reference=other.reference).exists()
    desk_client.get(CHANGELIST, {"q": "Nobody Matches"})
    (empty,) = AccessRecord.objects.filter(action=Action.SEARCHED, reference="")
    assert empty.detail == "page 1, 0 shown"
    assert_no_patient_data()
    assert not AccessRecord.objects.filter(detail__icontains="Nobody").exists()


def test_the_change_page_history_page_and_export_are_recorded(desk_client, office):
    request = make_request(office)
    desk_client.get(f"{CHANGELIST}{request.pk}/change/")
    desk_client.get(f"{CHANGELIST}{request.pk}/history/")
    desk_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(request.pk)]})
    actions = AccessRecord.objects.filter(reference=request.reference).order_by("pk").values_list("action", flat=True)
    assert list(actions) == [Action.OPENED, Action.HISTORY, Action.EXPORTED]
    # A page that was not shown (no such request) records nothing.
    desk_client.get(f"{CHANGELIST}999999/change/")
    assert AccessRecord.objects.reads().count() == 3
    assert_no_patient_data()


def test_sign_ins_sign_outs_failures_and_lockouts_are_in_the_same_record(client, phone, unthrottled):
    sign_in(client, "rosa.front", password="wrong password")
    sign_in(client, "rosa.front")
    enter_code(client, "000000")
    with time_machine.travel(datetime.timedelta(minutes=1), tick=True):
        enter_code(client, code_for(phone))
        client.post("/admin/logout/", REMOTE_ADDR=ADDRESS)
    sign_in(client, "rosa.front")
    for wrong in ["000000", "111111", "222222", "333333", "444444"]:
        enter_code(client, wrong)
    actions = list(AccessRecord.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        Action.SIGN_IN_FAILED,
        Action.SIGNED_IN,
        Action.CODE_FAILED,
        Action.VERIFIED,
        Action.SIGNED_OUT,
        Action.SIGNED_IN,
        *[Action.CODE_FAILED] * 5,
        Action.LOCKED_OUT,
        Action.SIGNED_OUT,
    ]
    assert set(AccessRecord.objects.values_list("username", "address")) == {("rosa.front", "203.0.113.7")}


def test_the_record_cannot_be_added_changed_or_deleted_in_the_admin_even_by_a_superuser(client, office):
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    staff_login(client, boss)
    client.get(CHANGELIST)
    line = AccessRecord.objects.first()
    records = "/admin/staff/accessrecord/"
    listing = client.get(records)
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    # The line opens read-only; saving, deleting and adding are refused.
    page = client.get(f"{records}{line.pk}/change/").content.decode()
    assert 'type="submit"' not in page.split('id="accessrecord_form"')[1].split("</form>")[0]
    assert client.post(f"{records}{line.pk}/change/", {"username": "someone else"}).status_code == 403
    assert client.post(f"{records}{line.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{records}add/").status_code == 403
    response = client.post(records, {"action": "delete_selected", "_selected_action": [str(line.pk)]})
    assert response.status_code in (200, 302)
    assert AccessRecord.objects.filter(pk=line.pk, username="boss").exists()


def test_the_front_desk_cannot_see_the_record(desk_client):
    assert desk_client.get("/admin/staff/accessrecord/").status_code == 403


def test_purging_a_request_keeps_its_access_record_with_the_reference_only(desk_client, office, settings):
    """Issue 12, item 12: the record of who read the data must outlive the data."""
    request = make_request(office)
    desk_client.get(f"{CHANGELIST}{request.pk}/change/")
    desk_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(request.pk)]})
    request.status, request.closing_reason = "closed", "booked"
    request.save()
    later = timezone.now() + datetime.timedelta(days=settings.APPOINTMENT_RETENTION_DAYS + 1)
    with time_machine.travel(later, tick=False):
        call_command("purge_appointment_requests")
    assert not type(request).objects.filter(pk=request.pk).exists()
    kept = AccessRecord.objects.filter(reference=request.reference)
    assert sorted(kept.values_list("action", flat=True)) == sorted([Action.OPENED, Action.EXPORTED])
    assert_no_patient_data()


def test_the_retention_command_deletes_only_lines_older_than_six_years(settings, capsys):
    assert settings.ACCESS_RECORD_RETENTION_DAYS >= 6 * 365
    now = timezone.now()
    AccessRecord.objects.create(username="a", action=Action.OPENED, at=now - datetime.timedelta(days=6 * 366 + 1))
    recent = AccessRecord.objects.create(username="a", action=Action.OPENED, at=now - datetime.timedelta(days=6 * 365))
    call_command("purge_access_records", "--dry-run")
    assert "1 access record line(s)" in capsys.readouterr().out
    assert AccessRecord.objects.count() == 2
    call_command("purge_access_records")
    assert "Deleted 1 access record line(s)" in capsys.readouterr().out
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_from_the_shell():
    line = AccessRecord.objects.create(username="rosa.front", action=Action.OPENED, reference="KDFM4HXP")
    for statement in ["UPDATE staff_accessrecord SET username = 'someone else'", "DELETE FROM staff_accessrecord"]:
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=line.pk).update(reference="")
    with pytest.raises(DatabaseError), transaction.atomic():
        line.delete()
    line.refresh_from_db()
    assert (line.username, line.reference) == ("rosa.front", "KDFM4HXP")


@pytest.mark.postgres
def test_postgresql_refuses_truncate_and_flush():
    AccessRecord.objects.create(username="rosa.front", action=Action.OPENED, reference="KDFM4HXP")
    with (
        pytest.raises(DatabaseError, match="Cannot truncate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE staff_accessrecord")
    with pytest.raises(CommandError, match="couldn't be flushed"), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert AccessRecord.objects.filter(reference="KDFM4HXP").exists()


@pytest.mark.postgres
def test_postgresql_lets_the_retention_command_delete_old_lines():
    AccessRecord.objects.create(username="a", action=Action.OPENED, at=timezone.now() - datetime.timedelta(days=3000))
    call_command("purge_access_records")
    assert not AccessRecord.objects.exists()
    # The exception is for that command's transaction only: the trigger is back afterwards.
    AccessRecord.objects.create(username="a", action=Action.OPENED)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.all().delete()
