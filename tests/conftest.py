import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

pytest_plugins = []


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL (CI's second pass). On another database they are
    deselected, and the run says so, rather than counted as passed or skipped."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if not deselected:
        return
    config.hook.pytest_deselected(items=deselected)
    items[:] = [item for item in items if not item.get_closest_marker("postgres")]
    line = f"{len(deselected)} PostgreSQL-only test(s) deselected: DATABASE_URL is not PostgreSQL."
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(line)
    else:
        print(line)


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Rate-limit counters and cached pages never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings):
    """The public page cache on, over a fresh local-memory cache (production uses Redis)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    return settings


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF checks as a browser would meet them."""
    return Client(enforce_csrf_checks=True)


def public_paths():
    """Every public page a patient can reach, English and Spanish: the checks that apply to
    all pages (headers, other origins, error pages) walk this list."""
    from articles.models import Article
    from locations.models import Location

    paths = ["/", "/privacy/", "/articles/", "/locations/", "/appointments/request/"]
    # English paths whatever language an earlier request left active in this thread.
    with translation.override("en"):
        paths += [office.get_absolute_url() for office in Location.objects.all()]
        paths += [article.get_absolute_url() for article in Article.objects.published()]
    return paths + ["/es" + path for path in paths]


@pytest.fixture
def smtp_port(settings):
    """Django set up to send through a real SMTP server on a free local port; the test starts
    (or, to see an outage, does not start) the server there."""
    from tests.live import free_port

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return port
