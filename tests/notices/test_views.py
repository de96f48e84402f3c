import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from notices.models import Notice

from .conftest import KINDS, edit, later

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_list_links_every_notice_in_the_pages_language(client, prefix):
    response = client.get(f"{prefix}/notices/")
    assert response.status_code == 200
    body = response.content.decode()
    for notice in Notice.objects.all():
        assert f'href="{prefix}/notices/{notice.kind}/"' in body
        assert (notice.title_es if prefix else notice.title) in body


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("prefix", "effective"), [("", "Effective"), ("/es", "Vigente desde el")])
def test_each_notice_shows_its_text_effective_date_and_version_history_in_both_languages(
    client, kind, prefix, effective
):
    notice = Notice.objects.get(kind=kind)
    response = client.get(f"{prefix}/notices/{kind}/")
    assert response.status_code == 200
    body = response.content.decode()
    version = notice.current_version
    assert (version.title_es if prefix else version.title) in body
    assert (version.body_html_es if prefix else version.body_html) in body
    assert f'{effective} <time datetime="{notice.effective_on:%Y-%m-%d}">' in body
    assert 'id="notice-versions-heading"' in body and 'aria-current="page"' in body
    # Not reviewed yet: the page says so.
    assert 'role="note"' in body


def test_an_old_version_stays_readable_at_its_own_address_and_points_to_the_current_one(client):
    notice = Notice.objects.get(kind="privacy-practices")
    old_html = notice.current_version.body_html
    notice = edit(notice, body="Our new privacy notice.", effective_on=later(notice))

    current = client.get("/notices/privacy-practices/").content.decode()
    assert "<p>Our new privacy notice.</p>" in current and old_html not in current
    assert 'href="/notices/privacy-practices/versions/1/"' in current

    old = client.get("/notices/privacy-practices/versions/1/")
    assert old.status_code == 200
    page = old.content.decode()
    assert old_html in page and "Our new privacy notice." not in page
    assert "an earlier version of this notice" in page
    assert '<meta name="robots" content="noindex">' in page
    assert client.get("/es/notices/privacy-practices/versions/1/").status_code == 200
    assert "<p>Our new privacy notice.</p>" in client.get("/notices/privacy-practices/versions/2/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/notices/no-such-notice/",
        "/notices/privacy-practices/versions/2/",
        "/notices/privacy-practices/versions/0/",
        "/es/notices/nondiscrimination/versions/99999999999999999999/",
        "/notices/privacy-practices/versions/x/",
    ],
)
def test_a_notice_or_version_that_does_not_exist_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_every_page_footer_links_the_notices_and_the_language_switch_the_taglines(client):
    for path in ["/", "/es/", "/privacy/", "/locations/", "/appointments/request/", "/notices/good-faith-estimate/"]:
        body = client.get(path).content.decode()
        footer = body[body.index("<footer") :]
        prefix = "/es" if path.startswith("/es") else ""
        assert f'href="{prefix}/notices/"' in footer, path
        switch = body[body.index('class="language-switch') : body.index("</header>")]
        assert f'href="{prefix}/notices/language-assistance/"' in switch, path


def test_the_sitemap_lists_the_notices_in_both_languages_with_hreflang(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own server's response
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}
    for path in ["/notices/", *(f"/notices/{kind}/" for kind in KINDS)]:
        for prefix in ("", "/es"):
            url = urls[f"http://testserver{prefix}{path}"]
            alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
            assert alternates == {
                "en": f"http://testserver{path}",
                "es": f"http://testserver/es{path}",
                "x-default": f"http://testserver{path}",
            }


def test_an_editors_change_shows_at_once_on_cached_pages(page_cache, django_capture_on_commit_callbacks):
    visitor = Client()
    assert "Updated notice." not in visitor.get("/notices/nondiscrimination/").content.decode()
    notice = Notice.objects.get(kind="nondiscrimination")
    # The stored pages are dropped once the editor's save commits (clinic_site/signals.py).
    with django_capture_on_commit_callbacks(execute=True):
        edit(notice, body="Updated notice.")
    assert "Updated notice." in visitor.get("/notices/nondiscrimination/").content.decode()


def test_a_notice_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(5):
        notice = Notice.objects.get(kind="good-faith-estimate")
        edit(notice, body=f"Text {number}.")
    client.get("/notices/good-faith-estimate/")  # the process keeps the offices after a first page
    with django_assert_max_num_queries(6):
        assert client.get("/notices/good-faith-estimate/").status_code == 200
