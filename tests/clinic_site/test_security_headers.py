import re

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
