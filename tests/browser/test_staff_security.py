"""Staff security in the real browser: setting up the second factor and signing in with it, the
idle logoff warning, and the accessibility of the pages this adds."""

import base64
import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from locations.models import Location
from staff.models import AccessRecord
from tests.appointments.conftest import make_request

from .axe_check import accessibility_violations
from .staff_sign_in import app_code, enter_code, enter_password, expect_signed_in, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple 42"


def no_violations(page):
    violations = accessibility_violations(page)
    assert not violations, f"axe found WCAG A/AA violations on {page.url}:\n" + "\n".join(violations)


@pytest.fixture
def newcomer():
    user = User.objects.create_user("nadia.new", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def test_a_new_staff_member_sets_up_the_app_and_signs_in_with_codes(new_page, newcomer):
    page = new_page()
    enter_password(page, "nadia.new", PASSWORD)

    # Led to the setup page: a QR code drawn on the server, and the key as text.
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    no_violations(page)
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    # Nothing in the admin until the setup is done: every page leads back here.
    request = make_request(Location.objects.first())
    changelist = "/admin/appointments/appointmentrequest/"
    for path in [
        "/admin/",
        f"{changelist}{request.pk}/change/",
        f"{changelist}{request.pk}/history/",
        "/admin/access-review/?format=csv",
        changelist,
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
        assert request.last_name not in page.content()
    page.get_by_label("Code").fill(app_code(key))
    page.get_by_role("button", name="Confirm").click()

    # The backup codes, once.
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(codes) == 10
    no_violations(page)
    page.get_by_role("link", name="I have kept my backup codes: continue").click()
    # On to the page asked for before the setup.
    expect(page.get_by_role("heading", name="Select appointment request to change")).to_be_visible()
    sign_out(page)

    # Back with the app's next code (the one used to set up cannot be used twice).
    enter_password(page, "nadia.new", PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    no_violations(page)
    enter_code(page, app_code(key, steps_ahead=1))
    expect_signed_in(page)
    sign_out(page)

    # With a backup code, which then no longer works.
    enter_password(page, "nadia.new", PASSWORD)
    enter_code(page, codes[0])
    expect_signed_in(page)
    sign_out(page)
    enter_password(page, "nadia.new", PASSWORD)
    enter_code(page, codes[0])
    expect(page.get_by_text("That code is not right, or was already used.")).to_be_visible()
    no_violations(page)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # The QR code and the pages broke no rule of the Content Security Policy (the admin has no
    # favicon, whose 404 is the only other console line).
    assert [error for error in page.network.console_errors if "Content Security Policy" in error] == []
    assert list(
        AccessRecord.objects.filter(username="nadia.new")
        .exclude(action__in=AccessRecord.READS)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "signed_in",
        "enrolled",
        "signed_out",
        "signed_in",
        "verified",
        "signed_out",
        "signed_in",
        "verified",
        "signed_out",
        "signed_in",
        "code_failed",
    ]


@pytest.fixture
def rosa():
    user = User.objects.create_user("rosa.front", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user, TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_the_idle_warning_lets_staff_stay_signed_in_and_otherwise_signs_them_out(new_page, rosa, settings):
    # A 10-second session warned 7 seconds before its end, rather than 30 minutes and 2.
    settings.SESSION_COOKIE_AGE = 10
    settings.STAFF_IDLE_WARNING_SECONDS = 7
    user, device = rosa
    page = new_page()
    sign_in(page, user.username, PASSWORD, device)
    notice = page.get_by_role("alertdialog", name="Still there?")
    expect(notice).to_be_hidden()
    expect(notice).to_be_visible(timeout=6_000)
    button = notice.get_by_role("button", name="Stay signed in")
    expect(button).to_be_focused()
    no_violations(page)
    stayed_at = timezone.now()
    button.click()
    expect(notice).to_be_hidden()
    # The server's session now runs from the click, not from the page load.
    from django.contrib.sessions.models import Session

    session = Session.objects.get(session_key=_session_key(page))
    assert session.expire_date >= stayed_at + datetime.timedelta(seconds=9)

    # Left alone, the warning comes back and then the page goes to the sign-in form.
    expect(notice).to_be_visible(timeout=6_000)
    expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=12_000)
    assert "/admin/login/" in page.url
    # The server ended the session too: the admin needs the password again.
    page.goto("/admin/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def _session_key(page):
    return next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")


def test_the_review_page_has_no_wcag_violations(new_page):
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    device = TOTPDevice.objects.create(user=boss, name="Authenticator app", confirmed=True)
    office = Location.objects.first()
    make_request(office)
    for days_ago, count in [(3, 2), (2, 2), (1, 2)]:
        at = timezone.now() - datetime.timedelta(days=days_ago)
        AccessRecord.objects.bulk_create(
            AccessRecord(username="rosa.front", action="opened", reference=f"R{i}", at=at) for i in range(count)
        )
    AccessRecord.objects.bulk_create(
        AccessRecord(username="rosa.front", action="listed", reference=f"R{i}") for i in range(20)
    )
    page = new_page()
    sign_in(page, "boss", PASSWORD, device)
    page.goto("/admin/access-review/")
    expect(page.get_by_role("table", name="Request views per day")).to_be_visible()
    expect(page.locator("tr.unusual")).to_have_count(1)
    no_violations(page)
