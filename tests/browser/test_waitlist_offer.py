"""The waitlist's offer page in a real browser: axe finds no WCAG A/AA violation in either
language, and "Yes, give me this time" works without JavaScript (axe itself needs JavaScript, so
the claimed page is not checked); a second patient then sees the time taken, on a page axe checks."""

import datetime

import pytest
from django.utils import timezone

from appointments import waitlist
from appointments.models import AppointmentRequest, FreedTime, Visit
from appointments.workflow import move_to
from locations.models import Location
from tests.appointments.conftest import make_request

from .axe_check import accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def weekday_after(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_offer_pages_have_no_wcag_violations_and_claiming_works_without_javascript(new_page, language):
    office = Location.objects.get(slug="medical-center-drive")
    freed = FreedTime.objects.create(
        office=office, at=Visit.at_clinic_time(weekday_after(7), datetime.time(10), office).at
    )
    later = Visit.at_clinic_time(weekday_after(14), datetime.time(10), office)
    paths = []
    for _number in range(2):
        patient = make_request(
            office, status="contacted", callback_language=language, earlier_time="this_office", preferred_time="any"
        )
        move_to(patient, "scheduled", by=None, visit=later)
        paths.append(waitlist.offer_link(patient, waitlist.offer(freed, patient)).removeprefix("http://testserver"))
    found = {}
    checked = new_page()
    checked.goto(paths[0])
    if violations := accessibility_violations(checked):
        found["offer page"] = violations
    plain = new_page(java_script_enabled=False)
    plain.goto(paths[0])
    plain.locator("form.visit-choices button").click()
    plain.wait_for_load_state()
    assert plain.get_by_role("heading", level=1).text_content() == (
        "This time is yours" if language == "en" else "Esta hora es suya"
    )
    freed.refresh_from_db()
    assert AppointmentRequest.objects.filter(visit_at=freed.at).get() == freed.claimed_by
    checked.goto(paths[1])
    assert checked.get_by_role("heading", level=1).is_visible()
    if violations := accessibility_violations(checked):
        found["taken page"] = violations
    assert not found, found
