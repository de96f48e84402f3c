"""Editors keep offices and hours in admin; the inline formsets refuse hours that contradict each other."""

import datetime

import pytest
from django.forms import BooleanField
from django.urls import reverse

from locations.models import SpecialDate, WeeklyHours
from tests.conftest import clinic_time, travel_to
from tests.page import Page

pytestmark = pytest.mark.django_db


def change_url(office):
    return reverse("admin:locations_location_change", args=[office.pk])


def change_form_data(client, office):
    """What the browser would post back from the unchanged change form, inlines included."""
    response = client.get(change_url(office))
    assert response.status_code == 200
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, BooleanField):
                if value:
                    data[form[name].html_name] = "on"
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            data[form[name].html_name] = "" if value is None else value
    return data


def add_row(data, prefix, **fields):
    """Fill one more inline row, as "Add another" does in the browser."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    return data


def weekly_row_index(data, weekday):
    return next(key.split("-")[1] for key, value in data.items() if key.endswith("-weekday") and value == weekday)


def test_change_form_shows_both_inlines_and_prepopulates_the_slug(editor_client, medical_center):
    response = editor_client.get(change_url(medical_center))
    content = response.content.decode()
    assert "weekly_hours-TOTAL_FORMS" in content and "special_dates-TOTAL_FORMS" in content
    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


def test_unchanged_form_saves(editor_client, medical_center):
    response = editor_client.post(change_url(medical_center), change_form_data(editor_client, medical_center))
    assert response.status_code == 302
    assert WeeklyHours.objects.filter(location=medical_center).count() == 7


def test_closing_before_opening_is_refused(editor_client, medical_center):
    data = change_form_data(editor_client, medical_center)
    data[f"weekly_hours-{weekly_row_index(data, 0)}-closes"] = "07:00"
    response = editor_client.post(change_url(medical_center), data)
    assert response.status_code == 200
    assert "Closing time must be after opening time." in response.content.decode()
    assert WeeklyHours.objects.get(location=medical_center, weekday=0).closes == datetime.time(17)


def test_overlapping_intervals_on_one_day_are_refused(editor_client, medical_center):
    data = change_form_data(editor_client, medical_center)
    data = add_row(data, "weekly_hours", weekday="0", kind="open", opens="12:00", closes="18:00")
    response = editor_client.post(change_url(medical_center), data)
    assert response.status_code == 200
    assert "Monday: the open hours 8:00 AM - 5:00 PM and 12:00 PM - 6:00 PM overlap." in response.content.decode()
    assert WeeklyHours.objects.filter(location=medical_center, weekday=0).count() == 1


def test_a_lunch_break_is_two_intervals_that_do_not_overlap(editor_client, medical_center):
    data = change_form_data(editor_client, medical_center)
    data[f"weekly_hours-{weekly_row_index(data, 0)}-closes"] = "12:00"
    add_row(data, "weekly_hours", weekday="0", kind="open", opens="13:00", closes="17:00")
    assert editor_client.post(change_url(medical_center), data).status_code == 302
    rows = WeeklyHours.objects.filter(location=medical_center, weekday=0).order_by("opens")
    assert [(row.opens.hour, row.closes.hour) for row in rows] == [(8, 12), (13, 17)]


@pytest.mark.parametrize("kind", ["closed", "by_appointment"])
def test_an_open_interval_on_a_closed_or_by_appointment_day_is_refused(editor_client, medical_center, kind):
    data = add_row(change_form_data(editor_client, medical_center), "weekly_hours", weekday="0", kind=kind)
    response = editor_client.post(change_url(medical_center), data)
    assert response.status_code == 200
    assert "Monday: a day is either open, by appointment only, or closed." in response.content.decode()


def test_a_special_date_that_is_both_closed_and_open_is_refused(editor_client, medical_center):
    data = change_form_data(editor_client, medical_center)
    add_row(data, "special_dates", date="2026-12-24", kind="closed", note="Closed for Christmas Eve")
    add_row(data, "special_dates", date="2026-12-24", kind="open", opens="08:00", closes="12:00")
    response = editor_client.post(change_url(medical_center), data)
    assert response.status_code == 200
    assert "Thursday, December 24, 2026: a day is either open" in response.content.decode()
    assert not SpecialDate.objects.exists()


def test_an_open_special_date_needs_its_times(editor_client, medical_center):
    data = add_row(change_form_data(editor_client, medical_center), "special_dates", date="2026-12-24", kind="open")
    response = editor_client.post(change_url(medical_center), data)
    assert response.status_code == 200
    assert "An open day needs an opening and a closing time." in response.content.decode()


def test_a_closure_added_in_admin_shows_on_the_office_page_at_once(editor_client, medical_center):
    with travel_to(clinic_time(2026, 3, 9, 10)):  # Monday morning: open
        before = Page(editor_client.get(medical_center.get_absolute_url()))
        assert before.one("main").texts("p", class_="office-status") == ["Open now, closes 5:00 PM"]
        data = change_form_data(editor_client, medical_center)
        data = add_row(data, "special_dates", date="2026-03-09", kind="closed", note="Closed today for staff training")
        assert editor_client.post(change_url(medical_center), data).status_code == 302
        after = Page(editor_client.get(medical_center.get_absolute_url()))
    main = after.one("main")
    assert main.texts("p", class_="office-status") == ["Closed, opens tomorrow 8:00 AM"]
    assert main.one("tr", aria_current="date").text == "Monday (today) Closed Closed today for staff training"
    assert main.texts("li", class_="special-date") == [
        "Monday, March 9, 2026: Closed — Closed today for staff training"
    ]
