"""The home page's first screen on a 390 x 844 phone, in English and Spanish: who the practice
is, what it treats, Request and Call (reaching both offices), and whether each office is open,
all without scrolling; the header stays short.

The office badges change with the hour, so every test pins its clock to a moment that shows one
of the states the offices can be in, and the longest wording of each (a date a week or more
away, a closure's note): a layout that breaks at some hour breaks here at every hour.
"""

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.models import Clinic
from locations import hours
from locations.models import DayKind, Location, SpecialDate
from tests.conftest import clinic_time, travel_to

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = {
    "en": {"prefix": "", "locale": "en-US", "request": "Request appointment", "call": "Call"},
    "es": {"prefix": "/es", "locale": "es-MX", "request": "Solicitar una cita", "call": "Llamar"},
}
HEADER_MAX_HEIGHT = 140  # three short lines; before the header was reworked it was 230 px

HOLIDAY_NOTE = {"note": "Closed for the holidays", "note_es": "Cerrado por las fiestas de fin de año"}


def close_for_holidays(first_day, last_day):
    """Both offices closed from `first_day` to `last_day`, with a note for patients."""
    day = first_day
    while day <= last_day:
        for office in Location.objects.all():
            SpecialDate.objects.create(location=office, date=day, kind=DayKind.CLOSED, **HOLIDAY_NOTE)
        day += datetime.timedelta(days=1)


# Each state: the moment (El Paso's wall clock), the closures it needs, and the state each office
# is in then (Medical Center Drive, Dean Martin), from the seeded weekly hours.
STATES = {
    # Thursday afternoon: both offices open.
    "open_now": (clinic_time(2026, 12, 10, 14, 0), None, (DayKind.OPEN, DayKind.OPEN)),
    # Thursday 7:00: Medical Center Drive opens at 8, Dean Martin at 1 PM.
    "opening_later_today": (clinic_time(2026, 12, 10, 7, 0), None, (DayKind.CLOSED, DayKind.CLOSED)),
    # Saturday: closed until Monday (Dean Martin until Thursday: its Monday is by appointment).
    "closed_until_monday": (clinic_time(2026, 12, 5, 11, 30), None, (DayKind.CLOSED, DayKind.CLOSED)),
    # Friday 17:15: Dean Martin by appointment today, with its phone; Medical Center Drive closed.
    "by_appointment_today": (clinic_time(2026, 12, 4, 17, 15), None, (DayKind.CLOSED, DayKind.BY_APPOINTMENT)),
    # A holiday closure with its note, two weeks long: the badge names a date ("opens Thursday,
    # January 7"), the longest form of every status line.
    "closed_for_a_special_date": (
        clinic_time(2026, 12, 21, 10, 0),
        (datetime.date(2026, 12, 21), datetime.date(2027, 1, 3)),
        (DayKind.CLOSED, DayKind.CLOSED),
    ),
}


def assert_in_first_screen(locator):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{locator} at {box}"


def expected_status(office, moment, language):
    with translation.override(language):
        return hours.status_at(office, moment)


def check_first_screen(page, language, moment, states=None):
    words = LANGUAGES[language]
    clinic = Clinic.load()
    offices = list(Location.objects.for_display())
    assert len(offices) == 2
    main = page.locator("main")

    assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_MAX_HEIGHT
    assert_in_first_screen(main.get_by_role("heading", level=1, name=clinic.name))
    tagline = clinic.tagline_es if language == "es" else clinic.tagline
    assert tagline
    assert_in_first_screen(main.get_by_text(tagline, exact=True))
    assert_in_first_screen(main.get_by_role("link", name=words["request"], exact=True))

    for index, office in enumerate(offices):
        status = expected_status(office, moment, language)
        if states is not None:
            assert status.state == states[index], (office, status)
        card = main.locator(f'section[aria-labelledby="home-office-{office.slug}"]')
        assert_in_first_screen(card.get_by_role("heading", name=office.name))
        badge = card.locator(".office-status .status-badge")
        assert_in_first_screen(badge)
        expect(badge).to_have_text(status.text)
        if status.today.note:
            expect(card).to_contain_text(status.today.note)

    # Call: a disclosure that opens without JavaScript and leads to both offices' phones (opened
    # last: its links push the cards down).
    call = main.locator("summary", has_text=re.compile(rf"^\s*{words['call']}\s*$"))
    assert_in_first_screen(call)
    call.focus()
    page.keyboard.press("Enter")
    for office in offices:
        assert_in_first_screen(main.locator(f'.call-menu a[href="{office.phone_uri}"]'))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", STATES)
def test_the_first_screen_holds_for_every_office_status(new_page, language, state):
    moment, closure, states = STATES[state]
    if closure:
        close_for_holidays(*closure)
    page = new_page(viewport=PHONE, locale=LANGUAGES[language]["locale"])
    with travel_to(moment):
        page.goto(LANGUAGES[language]["prefix"] + "/")
        assert page.locator(".language-offer").count() == 0
        check_first_screen(page, language, moment, states)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_screen_holds_with_the_other_languages_offer_shown(new_page, language):
    """A browser asking for the other language gets a line offering it above the header."""
    moment, closure, _states = STATES["closed_for_a_special_date"]
    close_for_holidays(*closure)
    other = "es" if language == "en" else "en"
    page = new_page(viewport=PHONE, locale=LANGUAGES[other]["locale"])
    with travel_to(moment):
        page.goto(LANGUAGES[language]["prefix"] + "/")
        expect(page.locator(".language-offer")).to_be_visible()
        check_first_screen(page, language, moment)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_keeps_both_phones_and_the_language_switch_one_tap_away(new_page, language):
    page = new_page(viewport=PHONE, locale=LANGUAGES[language]["locale"])
    page.goto(LANGUAGES[language]["prefix"] + "/")
    header = page.locator("header.site-header")
    for office in Location.objects.all():
        # On a phone the link shows the office's name; its accessible name still gives the number.
        link = header.locator(f'a[href="{office.phone_uri}"]')
        assert_in_first_screen(link)
        expect(link).to_have_accessible_name(re.compile(rf"{re.escape(office.name)}\s?: {office.phone}$"))
    assert_in_first_screen(header.locator(".language-switch a[hreflang]"))
    # The way to the taglines in other languages (the language-assistance notice) beside it.
    other = header.locator(".language-switch a.other-languages")
    assert_in_first_screen(other)
    expect(other).to_have_accessible_name(re.compile("Other languages|Otros idiomas"))
