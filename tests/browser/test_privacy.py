"""What only a browser shows about the public pages: nothing they load is blocked by the
Content Security Policy or missing. (What the HTML asks for, and the cookies the pages set, are
checked without a browser in tests/clinic_site/test_security_headers.py.)"""

import pytest

from tests.conftest import public_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_public_pages_log_no_error_in_the_browser_console(page):
    """A blocked inline style or script (CSP) or a missing file shows up here."""
    complaints = {}
    for path in public_paths():
        page.network.clear()
        page.goto(path)
        if page.network.console_errors:
            complaints[path] = page.network.console_errors[:]
    assert complaints == {}
