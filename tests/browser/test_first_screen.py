"""The home page's first screen on a 390 x 844 phone, in English and Spanish: who the practice
is, what it treats, Request and Call (reaching both offices), and whether each office is open,
all without scrolling; the header stays short."""

import re

import pytest
from playwright.sync_api import expect

from clinic_site.models import Clinic
from locations.models import Location

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = {
    "en": {
        "prefix": "",
        "request": "Request appointment",
        "call": "Call",
        "status": r"^(Open now|Closed|By appointment)",
    },
    "es": {
        "prefix": "/es",
        "request": "Solicitar una cita",
        "call": "Llamar",
        "status": r"^(Abierto ahora|Cerrado|Hoy solo con cita)",
    },
}
HEADER_MAX_HEIGHT = 140  # three short lines; before this issue it was 230 px


def assert_in_first_screen(locator):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{locator} at {box}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_screen_says_who_what_whether_open_and_offers_request_and_call(new_page, language):
    words = LANGUAGES[language]
    clinic = Clinic.load()
    offices = list(Location.objects.for_display())
    assert len(offices) == 2
    page = new_page(viewport=PHONE)
    page.goto(words["prefix"] + "/")
    main = page.locator("main")

    assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_MAX_HEIGHT
    assert_in_first_screen(main.get_by_role("heading", level=1, name=clinic.name))
    tagline = clinic.tagline_es if language == "es" else clinic.tagline
    assert tagline
    assert_in_first_screen(main.get_by_text(tagline, exact=True))
    assert_in_first_screen(main.get_by_role("link", name=words["request"], exact=True))

    for office in offices:
        card = main.locator(f'section[aria-labelledby="home-office-{office.slug}"]')
        assert_in_first_screen(card.get_by_role("heading", name=office.name))
        badge = card.locator(".office-status .status-badge")
        assert_in_first_screen(badge)
        expect(badge).to_have_text(re.compile(words["status"]))

    # Call: a disclosure that opens without JavaScript and leads to both offices' phones (opened
    # last: its links push the cards down).
    call = main.locator("summary", has_text=re.compile(rf"^\s*{words['call']}\s*$"))
    assert_in_first_screen(call)
    call.focus()
    page.keyboard.press("Enter")
    for office in offices:
        assert_in_first_screen(main.locator(f'.call-menu a[href="{office.phone_uri}"]'))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_keeps_both_phones_and_the_language_switch_one_tap_away(new_page, language):
    page = new_page(viewport=PHONE)
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
