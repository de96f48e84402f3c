import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article

from .conftest import SEED_SLUG, make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SEED_URL = f"http://testserver/articles/{SEED_SLUG}/"


def feed_entries(client, path="/articles/feed/"):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's response
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def sitemap_urls(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's response
    return {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}


class TestFeed:
    def test_is_atom_with_the_seed_article(self, client):
        root, entries = feed_entries(client)
        assert root.findtext(f"{ATOM}title") == "Articles"
        seed = next(entry for entry in entries if entry.find(f"{ATOM}link").get("href") == SEED_URL)
        assert seed.findtext(f"{ATOM}title") == "The Link Between Iron Deficiency and Restless Leg Syndrome"
        assert seed.findtext(f"{ATOM}published").startswith("2022-08-01T00:00:00")
        assert seed.findtext(f"{ATOM}summary") == Article.objects.get(slug=SEED_SLUG).summary

    def test_holds_the_twenty_newest_published_articles_only(self, client):
        for day in range(1, 26):
            make_article(title=f"Feed article {day:02}", published_on=f"2024-01-{day:02}")
        make_article(title="Draft for the feed", status=Article.Status.DRAFT, published_on="2024-02-01")
        _, entries = feed_entries(client)
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert titles == [f"Feed article {day:02}" for day in range(25, 5, -1)]

    def test_spanish_feed_gives_spanish_titles_and_links(self, client):
        _, entries = feed_entries(client, "/es/articles/feed/")
        seed = next(entry for entry in entries if SEED_SLUG in entry.find(f"{ATOM}link").get("href"))
        assert seed.find(f"{ATOM}link").get("href") == f"http://testserver/es/articles/{SEED_SLUG}/"
        assert seed.findtext(f"{ATOM}title").startswith("La relación entre la deficiencia de hierro")


class TestSitemap:
    def test_lists_the_seed_article_in_both_languages_with_alternates(self, client):
        urls = sitemap_urls(client)
        spanish_url = f"http://testserver/es/articles/{SEED_SLUG}/"
        assert SEED_URL in urls and spanish_url in urls
        alternates = {link.get("hreflang"): link.get("href") for link in urls[SEED_URL].findall(f"{XHTML}link")}
        assert alternates == {"en": SEED_URL, "es": spanish_url, "x-default": SEED_URL}
        article = Article.objects.get(slug=SEED_SLUG)
        assert urls[SEED_URL].findtext(f"{SITEMAP}lastmod") == timezone.localtime(article.updated_at).date().isoformat()

    def test_lists_an_english_only_article_only_in_english(self, client):
        make_article(slug="english-only")
        urls = sitemap_urls(client)
        assert "http://testserver/articles/english-only/" in urls
        assert "http://testserver/es/articles/english-only/" not in urls

    def test_leaves_out_drafts_and_future_articles(self, client):
        make_article(slug="a-draft", status=Article.Status.DRAFT)
        make_article(slug="not-yet", published_on="2999-01-01")
        locations = " ".join(sitemap_urls(client))
        assert "a-draft" not in locations
        assert "not-yet" not in locations
