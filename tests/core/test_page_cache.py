"""The public page cache (core/page_cache.py): pages the same for everyone are served
without a query, an editor's change shows once it commits, and nothing personal is ever shared,
whatever the view returns."""

import datetime
import re
import threading

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article
from core import page_cache as page_cache_module
from locations.models import Location, SpecialDate
from tests.factories import StaffFactory
from tests.live import free_port

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
FORM = "/appointments/request/"
# Every public page, both languages.
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


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_a_public_page_is_served_again_without_a_query(client, page_cache, django_assert_num_queries, path):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert "Content-Security-Policy" in again and again["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_a_cached_page_is_byte_identical_to_a_fresh_render(page_cache, path):
    Client().get(path)
    cached = Client().get(path)
    page_cache.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = Client().get(path)
    assert cached.content == fresh.content
    assert cached["Cache-Control"] == fresh["Cache-Control"] == "max-age=60"


def change_phone_behind_the_page_caches_back(phone):
    # update() sends no signal, so the page cache is not told: only a fresh render shows it.
    Location.objects.filter(slug="dean-martin").update(phone=phone)


def test_a_cached_page_is_kept_until_content_changes(client, page_cache):
    client.get("/locations/")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" not in client.get("/locations/").content.decode()


def test_without_the_setting_nothing_is_cached(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/locations/")
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in client.get("/locations/").content.decode()


def test_the_request_form_is_never_stored(page_cache):
    Client().get(FORM)
    Client().get(FORM + "?location=dean-martin")
    assert not [key for key in cache._cache if "public-pages:" in key and "generation" not in key]  # noqa: SLF001
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in Client().get(FORM).content.decode()


def test_a_page_not_marked_public_costs_no_cache_round_trip(page_cache):
    for path in ["/robots.txt", "/healthz", "/sitemap.xml", "/articles/feed/", "/no-such-page/"]:
        Client().get(path)
    assert not [key for key in cache._cache if "public-pages:" in key]  # noqa: SLF001


def test_a_closure_added_by_an_editor_shows_once_saved(client, page_cache, django_capture_on_commit_callbacks):
    office = Location.objects.get(slug="medical-center-drive")
    day = timezone.localdate() + datetime.timedelta(days=1)
    assert "Closed for the staff picnic" not in client.get(office.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        SpecialDate.objects.create(location=office, date=day, kind="closed", note="Closed for the staff picnic")
    assert "Closed for the staff picnic" in client.get(office.get_absolute_url()).content.decode()


def test_a_new_office_phone_shows_on_every_cached_page(client, page_cache, django_capture_on_commit_callbacks):
    for path in CACHED_PAGES:
        client.get(path)
    office = Location.objects.get(slug="dean-martin")
    office.phone = "915-261-0000"
    with django_capture_on_commit_callbacks(execute=True):
        office.save()
    for path in CACHED_PAGES:
        assert "915-261-0000" in client.get(path).content.decode(), path


def test_a_closure_today_shows_on_every_page_that_gives_todays_hours(
    client, page_cache, django_capture_on_commit_callbacks
):
    for path in CACHED_PAGES:
        client.get(path)
    office = Location.objects.get(slug="medical-center-drive")
    with django_capture_on_commit_callbacks(execute=True):
        SpecialDate.objects.create(location=office, date=timezone.localdate(), kind="closed", note="Picnic")
    for path in ["/", "/locations/", "/locations/medical-center-drive/"]:
        assert "Picnic" in client.get(path).content.decode(), path


def test_an_article_edit_shows_once_saved(client, page_cache, django_capture_on_commit_callbacks):
    for path in [ARTICLE, "/articles/", "/"]:
        client.get(path)
    article = Article.objects.get(slug=ARTICLE.split("/")[2])
    article.title = "Iron, sleep and restless legs"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    for path in [ARTICLE, "/articles/", "/"]:
        assert "Iron, sleep and restless legs" in client.get(path).content.decode(), path


# --- security review, finding 16: the pages are dropped after the editor's commit -------------


def test_a_save_drops_the_pages_only_when_its_transaction_commits(page_cache, django_capture_on_commit_callbacks):
    Client().get("/locations/")
    before = cache.get(page_cache_module.GENERATION_KEY)
    office = Location.objects.get(slug="dean-martin")
    office.phone = "915-261-0000"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        office.save()
        assert cache.get(page_cache_module.GENERATION_KEY) == before
    for callback in callbacks:
        callback()
    assert cache.get(page_cache_module.GENERATION_KEY) != before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visitor_during_a_slow_save_never_stores_the_old_page_under_the_new_generation(page_cache):
    """Another visitor, on a connection of its own, reads the committed (old) phone while the
    editor's transaction is open; once it commits, the next visitor sees the new phone."""
    office = Location.objects.get(slug="dean-martin")
    old_phone = office.phone

    def visit():
        try:
            assert old_phone in Client().get("/locations/").content.decode()
        finally:
            connections.close_all()

    with transaction.atomic():
        office.phone = "915-261-0000"
        office.save()
        visitor = threading.Thread(target=visit)
        visitor.start()
        visitor.join()
    assert "915-261-0000" in Client().get("/locations/").content.decode()


# --- nothing personal is stored, whatever the view returns -----------------------------------


@pytest.mark.urls("tests.core.public_page_urls")
def test_a_plain_view_with_a_csrf_token_never_shares_it(page_cache):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page, second_page = first.get("/plain-form/"), second.get("/plain-form/")
    first_token = TOKEN.search(first_page.content.decode()).group(1)
    second_token = TOKEN.search(second_page.content.decode()).group(1)
    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # A returning visitor (with the cookie) is not stored either, nor served another's copy.
    again = first.get("/plain-form/")
    assert TOKEN.search(again.content.decode()).group(1) not in (second_token,)
    assert not any(first_token.encode() in entry or second_token.encode() in entry for entry in cache._cache.values())  # noqa: SLF001


@pytest.mark.urls("tests.core.public_page_urls")
def test_a_page_read_from_a_cookie_is_never_served_to_another_visitor(page_cache):
    assert Client(HTTP_COOKIE="name=Ana").get("/cookie-greeting/").content == b"Hello Ana"
    assert Client().get("/cookie-greeting/").content == b"Hello visitor"
    assert Client(HTTP_COOKIE="name=Luis").get("/cookie-greeting/").content in (b"Hello Luis", b"Hello visitor")
    assert b"Ana" not in Client().get("/cookie-greeting/").content


@pytest.mark.urls("tests.core.public_page_urls")
def test_a_page_is_served_only_to_requests_with_the_headers_it_varies_on(page_cache):
    assert Client(HTTP_X_BRANCH="east").get("/varies/").content == b"For east"
    assert Client(HTTP_X_BRANCH="west").get("/varies/").content == b"For west"
    assert Client().get("/varies/").content == b"For everyone"


@pytest.mark.urls("tests.core.public_page_urls")
def test_a_page_that_says_private_is_never_stored(page_cache):
    Client().get("/private/")
    assert not [key for key in cache._cache if "public-pages:" in key and "generation" not in key]  # noqa: SLF001


def test_each_visitor_gets_the_language_offer_for_their_own_browser(page_cache):
    offer = 'class="language-offer'
    assert offer not in Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get("/").content.decode()
    assert offer in Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/").content.decode()
    assert offer not in Client().get("/").content.decode()
    assert offer in Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get("/es/").content.decode()
    assert offer not in Client(HTTP_ACCEPT_LANGUAGE="es").get("/es/").content.decode()


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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    for path in [*CACHED_PAGES, FORM]:
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "other_origin", [{"HTTP_HOST": "testserver:8081"}, {"secure": True}, {"HTTP_HOST": "TESTSERVER:9"}]
)
def test_another_port_or_scheme_is_served_fresh_and_never_shared(page_cache, other_origin):
    odd = Client().get("/locations/", **other_origin)
    assert odd.status_code == 200
    plain = Client().get("/locations/")
    links = re.findall(r'hreflang="[^"]+" href="([^"]+)"', plain.content.decode())
    assert links and all(link.startswith("http://testserver/") for link in links), links
    change_phone_behind_the_page_caches_back("915-261-0000")
    assert "915-261-0000" in Client().get("/locations/", **other_origin).content.decode()
    assert "915-261-0000" not in Client().get("/locations/").content.decode()
