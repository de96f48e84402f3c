"""No page talks to another origin, and the public pages set no cookie a patient did not ask for."""

import pytest

from tests.conftest import public_paths

from .request_form import REQUEST_PATH, request_a_callback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FORM_PATHS = {REQUEST_PATH, "/es" + REQUEST_PATH}


def cookie_names(page):
    return sorted(cookie["name"] for cookie in page.network.cookies())


def test_every_public_page_requests_its_own_origin_only(page, own_origin):
    elsewhere = {}
    for path in [*public_paths(), "/no-such-page/"]:
        page.network.clear()
        # networkidle: also catch what a page would fetch after it has loaded.
        page.goto(path, wait_until="networkidle")
        if other := page.network.other_origins(own_origin):
            elsewhere[path] = other
    assert elsewhere == {}


def test_public_pages_log_no_error_in_the_browser_console(page):
    """A blocked inline style or script (CSP) or a missing file shows up here."""
    complaints = {}
    for path in public_paths():
        page.network.clear()
        page.goto(path)
        if page.network.console_errors:
            complaints[path] = page.network.console_errors[:]
    assert complaints == {}


def test_public_pages_set_no_cookie_except_csrf_on_the_form(page):
    cookies = {}
    for path in public_paths():
        page.network.clear()
        page.goto(path)
        cookies[path] = cookie_names(page)
    expected = {path: ["csrftoken"] if path in FORM_PATHS else [] for path in cookies}
    assert cookies == expected


def test_sending_a_request_sets_only_the_csrf_and_session_cookies_and_stays_on_the_site(page, own_origin):
    page.goto(REQUEST_PATH)
    request_a_callback(page)
    assert page.network.other_origins(own_origin) == []
    cookies = {cookie["name"]: cookie for cookie in page.network.cookies()}
    assert sorted(cookies) == ["csrftoken", "sessionid"]
    # The session holds only the receipt; scripts cannot read it and other sites' links carry no cookie.
    assert cookies["sessionid"]["httpOnly"]
    assert cookies["sessionid"]["sameSite"] == "Lax"
