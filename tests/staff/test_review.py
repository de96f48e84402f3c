"""The superusers' review page: request views per person per day, unusual days picked out."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from staff.models import AccessRecord
from tests.conftest import staff_login

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

REVIEW = "/admin/access-review/"
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clinic_clock():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 17, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        yield


@pytest.fixture
def boss_client(client, db):
    return staff_login(client, User.objects.create_superuser("boss", password=PASSWORD))


def views(username, day, count, action=AccessRecord.Action.OPENED):
    at = datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())
    AccessRecord.objects.bulk_create(
        AccessRecord(username=username, action=action, reference=f"REF{i:05d}", at=at) for i in range(count)
    )


@pytest.fixture
def history(db):
    # Rosa usually opens about 20 requests a day; today she opened 70. Luis reads 10 a day.
    for days_ago in range(1, 11):
        views("rosa.front", TODAY - datetime.timedelta(days=days_ago), 20)
        views("luis.desk", TODAY - datetime.timedelta(days=days_ago), 10)
    views("rosa.front", TODAY, 70)
    views("luis.desk", TODAY, 25)
    # Sign-ins are in the record but are not views.
    views("luis.desk", TODAY, 3, action=AccessRecord.Action.SIGNED_IN)


def row_for(response, username, day):
    return next(row for row in response.context["rows"] if row["username"] == username and row["day"] == day)


def test_views_per_person_per_day_with_the_unusual_day_highlighted(boss_client, history):
    response = boss_client.get(REVIEW)
    assert response.status_code == 200
    today_rosa = row_for(response, "rosa.front", TODAY)
    assert (today_rosa["views"], today_rosa["usual"], today_rosa["unusual"]) == (70, 20, True)
    today_luis = row_for(response, "luis.desk", TODAY)
    # 25 is 2.5 times Luis's usual 10: busy, not unusual. Sign-ins are not counted.
    assert (today_luis["views"], today_luis["usual"], today_luis["unusual"]) == (25, 10, False)
    assert not row_for(response, "rosa.front", TODAY - datetime.timedelta(days=3))["unusual"]
    html = response.content.decode()
    assert html.count('class="unusual"') == 1
    assert "⚠ Unusual" in html


def test_filtered_by_person_and_dates(boss_client, history):
    response = boss_client.get(REVIEW, {"username": "luis.desk", "start": "2026-11-28", "end": "2026-11-30"})
    rows = response.context["rows"]
    assert [(row["username"], row["day"].isoformat(), row["views"]) for row in rows] == [
        ("luis.desk", "2026-11-30", 10),
        ("luis.desk", "2026-11-29", 10),
        ("luis.desk", "2026-11-28", 10),
    ]
    # A bad date is a clear message and a 400, not an error page.
    bad = boss_client.get(REVIEW, {"start": "yesterday"})
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()


def test_the_csv_has_the_same_rows_and_is_safe_to_open_in_a_spreadsheet(boss_client, history):
    views("=HYPERLINK(1)", TODAY, 2)
    response = boss_client.get(REVIEW, {"format": "csv", "start": TODAY.isoformat()})
    assert response["Content-Type"].startswith("text/csv")
    # As every CSV (core.spreadsheet.csv_response): kept by no browser or proxy, accents readable.
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = ["Date", "Staff member", "Request views", "Different requests", "Opened", "List rows"]
    assert rows[0] == [*header, "Usual daily views", "Unusual"]
    assert ["2026-12-01", "rosa.front", "70", "70", "70", "0", "20", "yes"] in rows
    assert ["2026-12-01", "luis.desk", "25", "25", "25", "0", "10", ""] in rows
    assert ["2026-12-01", "'=HYPERLINK(1)", "2", "2", "2", "0", "", ""] in rows


def test_opened_requests_are_counted_apart_from_list_rows(boss_client):
    views("rosa.front", TODAY, 3)
    views("rosa.front", TODAY, 50, action=AccessRecord.Action.LISTED)
    views("rosa.front", TODAY, 4, action=AccessRecord.Action.SEARCHED)
    row = row_for(boss_client.get(REVIEW), "rosa.front", TODAY)
    assert (row["views"], row["opened"], row["listed"]) == (57, 3, 54)


def test_only_superusers_see_the_review(client, front_desk, history):
    staff_login(client, front_desk)
    assert client.get(REVIEW).status_code == 403
    assert client.get(REVIEW, {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("query", ["start=0001-01-01&end=0001-01-31", "start=9999-12-01&end=9999-12-31"])
@pytest.mark.parametrize("as_csv", [False, True])
def test_a_date_out_of_range_gets_the_forms_message_and_400(boss_client, history, query, as_csv):
    response = boss_client.get(f"/admin/access-review/?{query}" + ("&format=csv" if as_csv else ""))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a date from 2000 to 2099." in response.content.decode()
