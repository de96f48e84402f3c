"""The front desk in Django admin: find a patient's request by its reference, mark it
contacted, and see who did it in the request's history."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from appointments.models import Status
from tests.factories import PASSWORD, StaffFactory

from .request_form import REQUEST_PATH, request_a_callback
from .staff_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def front_desk_user():
    # The group and its permissions come from the appointments data migration.
    user = StaffFactory(username="rosa.front", groups=["Front desk"])
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def test_front_desk_marks_a_request_contacted_and_sees_it_in_the_history(new_page, viewport, front_desk_user):
    patient = new_page(viewport=viewport)
    patient.goto(REQUEST_PATH)
    request = request_a_callback(patient)
    reference = request.display_reference

    page = new_page(viewport=viewport)
    sign_in(page, front_desk_user.username, PASSWORD, front_desk_user.totpdevice_set.get())
    # The model's row on the admin index (the app's caption links to the app page instead).
    page.get_by_role("row").get_by_role("link", name="Appointment requests", exact=True).click()

    page.get_by_role("textbox", name="Search").fill(reference)
    page.keyboard.press("Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results.get_by_role("link", name=reference)).to_be_visible()

    page.get_by_role("checkbox", name=f"Select this object for an action - {reference}").check()
    page.get_by_role("combobox", name="Action").select_option(label="Mark selected requests as contacted")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 request(s) marked contacted.")).to_be_visible()

    page.get_by_role("textbox", name="Search").fill(reference)
    page.keyboard.press("Enter")
    page.locator("#result_list").get_by_role("link", name=reference).click()
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history")
    expect(history).to_contain_text(front_desk_user.username)
    expect(history).to_contain_text("Changed Status and Handled by.")

    request.refresh_from_db()
    assert (request.status, request.handled_by) == (Status.CONTACTED, front_desk_user)
    assert request.first_contacted_at is not None
