"""Signing staff in through the real admin login: password, then the second factor."""

from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import expect


def app_code(key, steps_ahead=0):
    """What the authenticator app shows for this secret (bytes) now, or `steps_ahead` 30-second steps on."""
    return f"{totp(key, drift=steps_ahead):06d}"


def enter_password(page, username, password):
    page.goto(f"/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def enter_code(page, code):
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()


def sign_in(page, username, password, device, steps_ahead=0):
    """Password and a code from the user's TOTP device; ends on an admin page."""
    enter_password(page, username, password)
    enter_code(page, app_code(device.bin_key, steps_ahead))
    expect_signed_in(page)


def expect_signed_in(page):
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Thanks for spending some quality time")).to_be_visible()
