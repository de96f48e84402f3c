"""The language switch keeps the patient on the same page, and each page's hreflang alternates
point at each other, for the fixed pages, an office and the seed article."""

import re

import pytest

from clinic_site.context_processors import _translated_path
from tests.page import hreflang_links

pytestmark = pytest.mark.django_db

SEED_ARTICLE = "/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
PAIRS = [
    ("/", "/es/"),
    ("/privacy/", "/es/privacy/"),
    ("/locations/dean-martin/", "/es/locations/dean-martin/"),
    (SEED_ARTICLE, "/es" + SEED_ARTICLE),
    ("/appointments/request/", "/es/appointments/request/"),
]


def switch_link(html, language):
    switch = re.search(r'<ul class="language-switch[^"]*"[^>]*>(.*?)</ul>', html, re.S).group(1)
    (href,) = re.findall(rf'<a href="([^"]+)" hreflang="{language}" lang="{language}">', switch)
    return href


@pytest.mark.parametrize(("english", "spanish"), PAIRS)
def test_the_switch_leads_to_the_same_page_in_the_other_language(client, english, spanish):
    assert switch_link(client.get(english).content.decode(), "es") == spanish
    assert switch_link(client.get(spanish).content.decode(), "en") == english


def test_the_switch_keeps_the_preselected_office_of_the_request_form(client):
    html = client.get("/appointments/request/?location=dean-martin").content.decode()
    assert switch_link(html, "es") == "/es/appointments/request/?location=dean-martin"


def test_the_switch_keeps_the_query_but_the_process_remembers_only_the_path(client):
    # The translated paths are memoised per process; a query string can carry a patient's name
    # (a front-desk search), so it must never be part of what is kept.
    _translated_path.cache_clear()
    for office in ("dean-martin", "medical-center-drive"):
        html = client.get(f"/appointments/request/?location={office}").content.decode()
        assert switch_link(html, "es") == f"/es/appointments/request/?location={office}"
    assert _translated_path.cache_info().currsize == 2  # the form's path, in each language


@pytest.mark.parametrize(("english", "spanish"), PAIRS)
def test_hreflang_alternates_point_at_each_other(client, english, spanish):
    expected = {
        "en": f"http://testserver{english}",
        "es": f"http://testserver{spanish}",
        "x-default": f"http://testserver{english}",
    }
    assert hreflang_links(client.get(english).content.decode()) == expected
    assert hreflang_links(client.get(spanish).content.decode()) == expected
