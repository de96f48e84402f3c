"""axe-core finds no WCAG 2.0, 2.1 or 2.2 A/AA violation on any page a patient sees."""

import pytest
from playwright.sync_api import expect

from appointments.workflow import move_to
from tests.conftest import public_paths

from .axe_check import accessibility_violations
from .request_form import REQUEST_PATH, request_a_callback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def violations_on(page, paths):
    found = {}
    for path in paths:
        page.goto(path)
        if violations := accessibility_violations(page):
            found[path] = violations
    return found


def report(found):
    return "axe found WCAG A/AA violations:\n" + "\n".join(
        f"{path}\n" + "\n".join(lines) for path, lines in found.items()
    )


def test_every_public_page_has_no_wcag_violations(new_page, viewport):
    page = new_page(viewport=viewport)
    found = violations_on(page, [*public_paths(), "/no-such-page/", "/es/no-such-page/"])
    assert not found, report(found)


@pytest.mark.parametrize("language_prefix", ["", "/es"])
def test_the_form_showing_its_errors_has_no_wcag_violations(page, language_prefix):
    page.goto(language_prefix + REQUEST_PATH)
    page.locator("form.request-form").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found = {page.url: violations} if (violations := accessibility_violations(page)) else {}
    assert not found, report(found)


def test_the_confirmation_page_has_no_wcag_violations(page):
    page.goto(REQUEST_PATH)
    request_a_callback(page)
    found = {page.url: violations} if (violations := accessibility_violations(page)) else {}
    assert not found, report(found)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_visit_link_pages_have_no_wcag_violations_and_work_without_javascript(new_page, language):
    import datetime

    from django.utils import timezone

    from appointments import visit_tokens
    from appointments.models import AppointmentRequest, Visit
    from locations.models import Location
    from tests.appointments.conftest import make_request

    office = Location.objects.get(slug="medical-center-drive")
    day = timezone.localdate() + datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    booked = make_request(office, status="contacted", callback_language=language)
    move_to(booked, "scheduled", by=None, visit=Visit.at_clinic_time(day, datetime.time(10), office))
    path = visit_tokens.link_for(booked).removeprefix("http://testserver")
    found = {}
    checked = new_page()
    checked.goto(path)
    if violations := accessibility_violations(checked):
        found["visit page"] = violations
    # The patient's click, in a browser without JavaScript.
    plain = new_page(java_script_enabled=False)
    plain.goto(path)
    plain.locator("form.visit-choices button").last.click()
    plain.wait_for_load_state()
    assert AppointmentRequest.objects.get(pk=booked.pk).patient_choice == "another_time"
    # The answer page (same HTML as the click's response) and the link now used up.
    checked.goto(path)
    assert checked.get_by_role("heading", level=1).is_visible()
    if violations := accessibility_violations(checked):
        found["used link"] = violations
    assert not found, report(found)
