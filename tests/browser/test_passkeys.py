"""Passkeys in the real browser: Chromium's virtual authenticator (the DevTools protocol's
WebAuthn domain) stands in for the fingerprint reader or the phone.

WebAuthn allows plain http only at localhost (and its subdomains), which is where the live
server is; SITE_URL, the relying party, follows it."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from staff.models import AccessRecord

from .axe_check import accessibility_violations
from .staff_sign_in import enter_password, expect_signed_in, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple 42"
REQUEST_LIST = "/admin/appointments/appointmentrequest/"


@pytest.fixture
def rosa():
    user = User.objects.create_user("rosa.front", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user, TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def site_at_live_server(settings, live_server):
    """The relying party is the live server's own address (http://localhost:<port>)."""
    assert urlsplit(live_server.url).hostname == "localhost"
    settings.SITE_URL = live_server.url
    return live_server.url


def with_authenticator(page):
    """A platform authenticator that holds passkeys and checks its user (a fingerprint reader)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = session.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return session, authenticator


def add_passkey(page, name, origin=""):
    page.goto(f"{origin}/admin/second-factor/passkeys/")
    page.get_by_label("Name for the new passkey").fill(name)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Make the passkey").click()
    expect(page.get_by_text(f"Your passkey “{name}” is ready")).to_be_visible()


def use_passkey(page):
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()


def csp_errors(page):
    return [error for error in page.network.console_errors if "Content Security Policy" in error]


def test_a_passkey_made_on_the_passkeys_page_signs_in_instead_of_the_code(new_page, rosa, site_at_live_server):
    user, app = rosa
    page = new_page()
    cdp, authenticator = with_authenticator(page)
    sign_in(page, user.username, PASSWORD, app)

    add_passkey(page, "Front desk PC")
    expect(page.get_by_role("table", name="Your passkeys")).to_contain_text("Front desk PC")
    assert not accessibility_violations(page)
    # The browser holds it for this site only: the relying party is SITE_URL's host.
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert [credential["rpId"] for credential in held] == ["localhost"]
    assert WebAuthnCredential.objects.get(user=user).name == "Front desk PC"
    sign_out(page)

    enter_password(page, user.username, PASSWORD)
    assert not accessibility_violations(page)
    use_passkey(page)
    expect_signed_in(page)
    page.goto(REQUEST_LIST)
    expect(page.get_by_role("heading", name="Select appointment request to change")).to_be_visible()

    # The package's scripts came from this origin and broke no rule of the CSP.
    assert page.network.other_origins(site_at_live_server) == []
    assert csp_errors(page) == []
    assert [
        (line.action, line.detail)
        for line in AccessRecord.objects.filter(username=user.username)
        .exclude(action__in=AccessRecord.READS)
        .order_by("pk")
    ] == [
        ("signed_in", "code next"),
        ("verified", "authenticator app"),
        ("enrolled", "passkey “Front desk PC” added"),
        ("signed_out", ""),
        ("signed_in", "code next"),
        ("verified", "passkey “Front desk PC”"),
    ]


def test_a_passkey_made_for_another_site_does_not_sign_in(new_page, rosa, settings, live_server):
    """A look-alike address (here phish.localhost, served by the same server as a phishing
    proxy would) got a passkey made for itself: at the real address it opens nothing."""
    user, app = rosa
    port = urlsplit(live_server.url).port
    lookalike = f"http://phish.localhost:{port}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "phish.localhost"]
    page = new_page()
    cdp, authenticator = with_authenticator(page)

    settings.SITE_URL = lookalike
    page.goto(f"{lookalike}/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    from .staff_sign_in import app_code, enter_code

    enter_code(page, app_code(app.bin_key))
    expect_signed_in(page)
    add_passkey(page, "My phone", origin=lookalike)
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert [credential["rpId"] for credential in held] == ["phish.localhost"]

    # The real site: its passkey button asks for a passkey of "localhost", which the
    # authenticator does not hold; the code is still wanted, and the sign-in is not done.
    settings.SITE_URL = live_server.url
    enter_password(page, user.username, PASSWORD)
    use_passkey(page)
    expect(page.locator("#passkey-verification-status-message")).to_contain_text("canceled or not allowed")
    page.goto(REQUEST_LIST)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # Trying again counts the refused attempt toward the lockout, as a wrong code does.
    use_passkey(page)
    expect(page.locator("#passkey-verification-status-message")).to_contain_text("canceled or not allowed")
    assert AccessRecord.objects.filter(
        username=user.username, action="code_failed", detail="passkey not used (cancelled or timed out)"
    ).exists()
    assert not AccessRecord.objects.filter(username=user.username, action="verified", detail__startswith="passkey")
    # Enough tries lock the account like wrong codes: the next start is refused and the page
    # reloads to say so (static/staff/passkeys.js).
    settings.AXES_FAILURE_LIMIT = 3
    use_passkey(page)
    expect(page.locator("#passkey-verification-status-message")).to_contain_text("canceled or not allowed")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_text("Sign-in locked").first).to_be_visible()
    page.goto(REQUEST_LIST)
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_a_phishing_proxy_at_another_address_cannot_use_the_real_passkey(new_page, rosa, settings, live_server):
    """A proxy at a look-alike address relays the real pages (here phish.localhost, served by the
    same server): the browser will not use the real site's passkey there. (Should a browser
    sign anyway, the server refuses the origin it signed: tests/staff/test_passkeys.py.)"""
    user, app = rosa
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "phish.localhost"]
    lookalike = f"http://phish.localhost:{urlsplit(live_server.url).port}"
    page = new_page()
    with_authenticator(page)
    sign_in(page, user.username, PASSWORD, app)
    add_passkey(page, "Front desk PC")
    sign_out(page)

    page.goto(f"{lookalike}/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    use_passkey(page)
    # Chromium refuses outright: the site's relying party (localhost) is not this page's.
    expect(page.locator("#passkey-verification-status-message")).to_contain_text("Verification failed")
    page.goto(f"{lookalike}{REQUEST_LIST}")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert not AccessRecord.objects.filter(username=user.username, action="verified", detail__startswith="passkey")
