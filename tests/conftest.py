import pytest
from django.core.cache import cache
from django.test import Client

pytest_plugins = []


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Rate-limit counters and cached pages never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF checks as a browser would meet them."""
    return Client(enforce_csrf_checks=True)


def public_paths():
    """Every public page a patient can reach, English and Spanish: the checks that apply to
    all pages (headers, other origins, error pages) walk this list."""
    from locations.models import Location

    paths = ["/", "/privacy/", "/articles/", "/locations/", "/appointments/request/"]
    paths += [office.get_absolute_url() for office in Location.objects.all()]
    return paths + ["/es" + path for path in paths]
