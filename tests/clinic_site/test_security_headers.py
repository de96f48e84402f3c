import re
from pathlib import Path

import pytest

from tests.conftest import public_paths

pytestmark = pytest.mark.django_db

# Attributes through which a page makes the browser load something. Plain links (<a href>)
# are navigation the patient chooses, like "Get directions", and are not loads.
LOADING_ATTRIBUTE = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|data|srcset)\s*=\s*[\"']([^\"']+)"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']([^\"']+)"
    r"|<form\b[^>]*\baction\s*=\s*[\"']([^\"']+)"
    r"|url\(\s*[\"']?([^\"')]+)",
    re.IGNORECASE,
)


def test_every_public_page_sends_the_security_headers(client):
    for path in public_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert "geolocation=()" in response["Permissions-Policy"], path
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp, path
        assert "style-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp, path


def test_hsts_is_sent_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_public_page_loads_anything_from_another_origin(client):
    for path in public_paths():
        html = client.get(path).content.decode()
        for groups in LOADING_ATTRIBUTE.findall(html):
            url = next(value for value in groups if value)
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE) or url.startswith(
                "http://testserver/"
            ), f"{path} loads {url}"


def test_no_stylesheet_loads_anything_from_another_origin():
    """The pages' own CSS files: a font or image `url()` would load from elsewhere too."""
    from django.contrib.staticfiles import finders

    for path in ("css/site.css",):
        css = Path(finders.find(path)).read_text()
        for url in re.findall(r"url\(\s*[\"']?([^\"')]+)", css):
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE), f"{path} loads {url}"


def test_public_pages_set_no_cookie_except_csrf_on_the_form(client):
    form_paths = {"/appointments/request/", "/es/appointments/request/"}
    cookies = {path: sorted(client.get(path).cookies) for path in public_paths()}
    assert cookies == {path: ["csrftoken"] if path in form_paths else [] for path in cookies}


def test_sending_a_request_sets_only_a_session_cookie_that_scripts_and_other_sites_cannot_use(client, medical_center):
    from tests.factories import form_data
    from tests.hardening.conftest import next_request_day

    data = form_data(medical_center, preferred_date=next_request_day(medical_center))
    response = client.post("/appointments/request/", data)
    assert response["Location"] == "/appointments/request/received/"
    # The session holds only the receipt; scripts cannot read it and other sites' links carry no cookie.
    assert sorted(response.cookies) == ["sessionid"]
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
