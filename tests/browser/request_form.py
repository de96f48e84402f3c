"""Filling the appointment request form as a keyboard user does: each field is found by its
label, and from there only keys are pressed (typing, Space, arrows, Tab, Enter)."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import AppointmentRequest, normalize_reference

REQUEST_PATH = "/appointments/request/"
RECEIVED_PATH = "/appointments/request/received/"


def weekday_ahead(days=4):
    """A Monday-to-Friday date at least `days` ahead: Medical Center Drive is open all day then."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def type_into(page, field, text):
    field.focus()
    page.keyboard.type(text)


def type_date(page, label, day):
    """Chromium's date field in US English takes month, day and year as typed digits."""
    type_into(page, page.get_by_label(label), day.strftime("%m%d%Y"))


def choose(page, group_label, option_label):
    """Pick a radio button the keyboard way: Tab lands on the group's checked radio (or its
    first), Space checks it, the arrow keys move the choice."""
    group = page.get_by_role("group", name=group_label)
    radios = group.get_by_role("radio")
    checked = radios.evaluate_all("radios => radios.findIndex(radio => radio.checked)")
    position = max(checked, 0)
    radios.nth(position).focus()
    if checked < 0:
        page.keyboard.press("Space")
    target = group.get_by_role("radio", name=option_label, exact=True)
    wanted = target.evaluate("(radio) => [...radio.form.elements].filter(el => el.name === radio.name).indexOf(radio)")
    step = "ArrowDown" if wanted > position else "ArrowUp"
    for _ in range(abs(wanted - position)):
        page.keyboard.press(step)
    expect(target).to_be_checked()


def tick(page, label):
    box = page.get_by_role("checkbox", name=label)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def fill_request(page, *, first_name, last_name, phone, preferred_date, office="Medical Center Drive", **answers):
    """Every answer the form asks for; `answers` may override the other choices."""
    type_into(page, page.get_by_label("First name"), first_name)
    type_into(page, page.get_by_label("Last name"), last_name)
    type_into(page, page.get_by_role("textbox", name="Phone"), phone)
    if email := answers.get("email"):
        type_into(page, page.get_by_role("textbox", name="Email"), email)
    choose(page, "Office", office)
    type_date(page, "Preferred date", preferred_date)
    choose(page, "Preferred time", answers.get("preferred_time", "Morning"))
    choose(page, "New or returning patient", answers.get("patient_kind", "New patient"))
    choose(page, "Reason for visit", answers.get("reason", "Restless legs"))
    choose(page, "Will you use health insurance for this visit?", answers.get("insurance", "Yes"))
    if message := answers.get("message"):
        type_into(page, page.get_by_label("Message"), message)
    choose(page, "How should we contact you?", answers.get("contact_method", "Phone call"))
    choose(page, "Language for the call back", answers.get("callback_language", "Español"))
    tick(page, "I agree to be contacted about this request")


def submit_request(page):
    """From the consent box, Tab passes the link to the Notice of Privacy Practices beside it and
    reaches the submit button (the hidden spam trap is skipped), and Enter sends the form."""
    page.keyboard.press("Tab")
    expect(page.locator("form.request-form a[href$='/notices/privacy-practices/']")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Request appointment")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def request_a_callback(page, **answers):
    """Fill and send a valid request from the form page; return the stored request."""
    answers = {
        "first_name": "María José",
        "last_name": "Nuñez",
        "phone": "915-555-0142",
        "preferred_date": weekday_ahead(),
        **answers,
    }
    fill_request(page, **answers)
    submit_request(page)
    expect(page).to_have_url(re.compile(re.escape(RECEIVED_PATH) + "$"))
    return stored_request(confirmation_reference(page))


def confirmation_reference(page):
    return page.locator("dt", has_text="Your reference").locator("xpath=following-sibling::dd[1]").inner_text()


def stored_request(reference):
    return AppointmentRequest.objects.select_related("location").get(reference=normalize_reference(reference))
