"""The reports page in a real browser: no WCAG violation, charts with accessible names, and
nothing the Content Security Policy blocks."""

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD, StaffFactory
from tests.reports.generated import generate_requests

from .axe_check import accessibility_violations
from .staff_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPORTS = f"/{settings.ADMIN_URL}appointments/appointmentrequest/reports/"


@pytest.fixture
def front_desk_page(new_page):
    user = StaffFactory(username="rosa.reports", groups=["Front desk"])
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    generate_requests(400)
    page = new_page()
    sign_in(page, user.username, PASSWORD, device)
    page.get_by_role("link", name="Reports: intake, call-back time, outcomes").click()
    return page


def test_the_reports_page_has_no_wcag_violations_and_named_charts(front_desk_page):
    page = front_desk_page
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    page.network.console_errors.clear()  # the admin's missing favicon, asked for on signing in
    for query in ("", "?weeks=52"):
        page.goto(REPORTS + query)
        assert not (violations := accessibility_violations(page)), "\n".join(violations)
        # Nothing refused by the Content Security Policy (an inline style would be).
        assert not page.network.console_errors, page.network.console_errors
    page.goto(REPORTS + "?start=2026-05-01&end=2026-04-01")
    expect(page.get_by_role("alert")).to_contain_text("The start date must be on or before the end date.")
    assert not (violations := accessibility_violations(page)), "\n".join(violations)
    page.get_by_role("link", name="Last 52 weeks").click()
    expect(page.get_by_role("img", name="Requests received per week, by office")).to_be_visible()
    expect(
        page.get_by_role("img", name="Business hours to first contact, per week received: median and 90th percentile")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Requests received per week, by office")).to_be_visible()
