"""A patient on a phone and on a desktop: from the home page to a sent request, keyboard only."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .request_form import (
    REQUEST_PATH,
    confirmation_reference,
    fill_request,
    request_a_callback,
    submit_request,
    weekday_ahead,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEED_ARTICLE = "The Link Between Iron Deficiency and Restless Leg Syndrome"


def follow(page, link):
    """Follow a link as a keyboard user does: focus it, press Enter."""
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_patient_reads_the_article_and_requests_an_appointment(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/")
    follow(page, page.get_by_role("main").get_by_role("link", name=SEED_ARTICLE).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_ARTICLE)

    follow(page, page.get_by_role("main").get_by_role("link", name="Request appointment"))
    expect(page).to_have_url(re.compile(re.escape(REQUEST_PATH) + "$"))
    preferred_date = weekday_ahead()
    stored = request_a_callback(
        page,
        first_name="María José",
        last_name="Nuñez",
        phone="915-555-0142",
        email="maria@example.com",
        preferred_date=preferred_date,
        message="Mostly at night.",
    )

    expect(page.get_by_role("heading", level=1)).to_have_text("We received your request")
    assert stored.display_reference == confirmation_reference(page)
    assert (stored.first_name, stored.last_name, str(stored.phone)) == ("María José", "Nuñez", "+19155550142")
    assert (stored.location.slug, stored.preferred_date) == ("medical-center-drive", preferred_date)
    assert (stored.preferred_time, stored.patient_kind, stored.reason) == ("morning", "new", "restless_legs")
    assert (stored.contact_method, stored.callback_language, stored.message) == ("phone", "es", "Mostly at night.")


def test_mistakes_are_summarised_with_focus_and_nothing_typed_is_lost(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(REQUEST_PATH)
    past_day = timezone.localdate() - datetime.timedelta(days=7)
    fill_request(
        page,
        first_name="Ana",
        last_name="Reyes",
        phone="555",
        preferred_date=past_day,
        message="Cramps at night.",
        reason="Leg pain or swelling",
    )
    submit_request(page)

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please check your answers")
    expect(summary.get_by_role("link", name="Please enter a valid phone number")).to_be_visible()
    expect(summary.get_by_role("link", name="Please choose today or a later date.")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Ana")
    expect(page.get_by_label("Last name")).to_have_value("Reyes")
    expect(page.get_by_role("textbox", name="Phone")).to_have_value("555")
    expect(page.get_by_label("Preferred date")).to_have_value(past_day.isoformat())
    expect(page.get_by_label("Message")).to_have_value("Cramps at night.")
    expect(page.get_by_role("radio", name="Medical Center Drive")).to_be_checked()
    expect(page.get_by_role("radio", name="Leg pain or swelling")).to_be_checked()
    expect(page.get_by_role("radio", name="Español")).to_be_checked()
    expect(page.get_by_role("checkbox", name="I agree to be contacted about this request")).to_be_checked()
