"""The public page cache (clinic_site/page_cache.py): pages the same for everyone are served
without a query, an editor's change shows at once, and nothing personal is ever shared."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from clinic_site.models import Clinic, new_content_token
from locations.models import Location, SpecialDate
from tests.factories import StaffFactory
from tests.live import free_port

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
FORM = "/appointments/request/"
# Every patient-facing page, both languages (the form's copies differ by their token only).
CACHED_PAGES = [
    "/",
    "/es/",
    "/articles/",
    "/es/articles/",
    ARTICLE,
    "/es" + ARTICLE,
    "/locations/",
    "/locations/medical-center-drive/",
    "/es/locations/dean-martin/",
    "/privacy/",
    "/es/privacy/",
]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_token(content):
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', content.decode())


@pytest.mark.parametrize("path", [*CACHED_PAGES, FORM, "/es" + FORM])
def test_a_public_page_is_served_again_without_a_query(client, page_cache, django_assert_num_queries, path):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.status_code == 200
    assert without_token(again.content) == without_token(first.content)
    # The headers of the outer middleware are still added to the cached copy.
    assert "Content-Security-Policy" in again and again["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", [*CACHED_PAGES, FORM])
def test_a_cached_page_is_byte_identical_to_a_fresh_render_but_for_the_token(page_cache, path):
    Client().get(path)
    cached = Client().get(path)
    page_cache.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = Client().get(path)
    assert without_token(cached.content) == without_token(fresh.content)
    assert cached["Cache-Control"] == fresh["Cache-Control"]


def change_phone_behind_the_page_caches_back(phone):
    # update() sends no signal, so the page cache is not told: only a fresh render shows the
    # change. The practice's content token is renewed, as every save renews it, so the fragments
    # each process keeps (clinic_site/content.py) are not what hides it.
    Location.objects.filter(slug="dean-martin").update(phone=phone)
    Clinic.objects.update(content_token=new_content_token())


def test_a_cached_page_is_kept_until_content_changes(client, page_cache):
    client.get("/locations/")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" not in client.get("/locations/").content.decode()


def test_without_the_setting_nothing_is_cached(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/locations/")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in client.get("/locations/").content.decode()


def test_a_closure_added_by_an_editor_shows_at_once(client, page_cache):
    office = Location.objects.get(slug="medical-center-drive")
    day = timezone.localdate() + datetime.timedelta(days=1)
    assert "Closed for the staff picnic" not in client.get(office.get_absolute_url()).content.decode()
    SpecialDate.objects.create(location=office, date=day, kind="closed", note="Closed for the staff picnic")
    assert "Closed for the staff picnic" in client.get(office.get_absolute_url()).content.decode()


def test_a_new_office_phone_shows_at_once_on_every_cached_page(client, page_cache):
    for path in [*CACHED_PAGES, FORM]:
        client.get(path)
    office = Location.objects.get(slug="dean-martin")
    office.phone = "915-261-0000"
    office.save()
    for path in [*CACHED_PAGES, FORM]:
        assert "915-261-0000" in client.get(path).content.decode(), path


def test_an_office_renamed_shows_at_once_among_the_form_s_offices(client, page_cache):
    client.get(FORM)
    office = Location.objects.get(slug="dean-martin")
    office.name = "Dean Martin Drive"
    office.save()
    assert "Dean Martin Drive" in client.get(FORM).content.decode()


def test_a_closure_shows_at_once_on_every_cached_page_that_gives_todays_hours(client, page_cache):
    # The home page and the offices' pages give today's hours: a closure today must not wait for
    # the cached copies to expire. (The footer is compact and gives no hours since the first-screen
    # redesign; an office change seen on every page is the phone test above.)
    pages = ["/", "/locations/", "/locations/medical-center-drive/"]
    for path in [*CACHED_PAGES, FORM]:
        client.get(path)
    office = Location.objects.get(slug="medical-center-drive")
    SpecialDate.objects.create(location=office, date=timezone.localdate(), kind="closed", note="Closed for the picnic")
    for path in pages:
        assert "Closed for the picnic" in client.get(path).content.decode(), path


def test_an_article_edit_shows_at_once(client, page_cache):
    for path in [ARTICLE, "/articles/", "/"]:
        client.get(path)
    article = Article.objects.get(slug=ARTICLE.split("/")[2])
    article.title = "Iron, sleep and restless legs"
    article.save()
    for path in [ARTICLE, "/articles/", "/"]:
        assert "Iron, sleep and restless legs" in client.get(path).content.decode(), path


def test_each_visitor_gets_the_language_offer_for_their_own_browser(page_cache):
    offer = 'class="language-offer'
    assert offer not in Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get("/").content.decode()
    assert offer in Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/").content.decode()
    assert offer not in Client().get("/").content.decode()


def test_a_signed_in_visitor_always_gets_a_fresh_page(client, page_cache):
    client.get("/locations/")
    staff = StaffFactory(username="editor")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in client.get("/locations/").content.decode()


def test_a_query_string_bypasses_the_cache(client, page_cache):
    client.get("/locations/?utm_source=flyer")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in client.get("/locations/?utm_source=flyer").content.decode()


def test_a_cache_outage_still_serves_the_pages(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic_site.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "process": settings.CACHES["process"],
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    for path in [*CACHED_PAGES, FORM]:
        assert client.get(path).status_code == 200


# --- only the site's own origin is kept (security review, item 11) ------------------------------


@pytest.mark.parametrize(
    "other_origin", [{"HTTP_HOST": "testserver:8081"}, {"secure": True}, {"HTTP_HOST": "TESTSERVER:9"}]
)
def test_another_port_or_scheme_is_served_fresh_and_never_shared(page_cache, other_origin):
    # settings.ALLOWED_HOSTS allows the host on any port, as Django does.
    odd = Client().get("/locations/", **other_origin)
    assert odd.status_code == 200
    plain = Client().get("/locations/")
    links = re.findall(r'hreflang="[^"]+" href="([^"]+)"', plain.content.decode())
    assert links and all(link.startswith("http://testserver/") for link in links), links
    # Asked for on another origin again: still rendered afresh, never a stored copy.
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in Client().get("/locations/", **other_origin).content.decode()
    assert "915-261-0000" not in Client().get("/locations/").content.decode()
