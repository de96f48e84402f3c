import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.conftest import staff_login

from .conftest import SEED_SLUG, make_article

pytestmark = pytest.mark.django_db

NEW_ARTICLE = {
    "title": "Iron and sleep",
    "title_es": "El hierro y el sueño",
    "slug": "iron-and-sleep",
    "summary": "How iron levels affect sleep.",
    "summary_es": "Cómo afectan los niveles de hierro al sueño.",
    "body": "Iron matters.\n\n## What to do\n\n- Ask us",
    "body_es": "El hierro importa.",
    "about": "Restless legs syndrome",
    "about_es": "Síndrome de piernas inquietas",
    "status": "published",
    "published_on": "2024-06-01",
}


def test_editor_adds_an_article_that_appears_in_the_list_the_feed_and_the_sitemap(client, editor):
    staff_login(client, editor)
    response = client.post(reverse("admin:articles_article_add"), {**NEW_ARTICLE, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="iron-and-sleep")
    assert article.body_html == "<p>Iron matters.</p>\n<h2>What to do</h2>\n<ul>\n<li>Ask us</li>\n</ul>"

    client.logout()
    assert "Iron and sleep" in client.get("/articles/").content.decode()
    assert "Iron and sleep" in client.get("/articles/feed/").content.decode()
    assert "El hierro y el sueño" in client.get("/es/articles/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/articles/iron-and-sleep/" in sitemap
    assert "http://testserver/es/articles/iron-and-sleep/" in sitemap
    assert client.get("/articles/iron-and-sleep/").status_code == 200


def test_add_form_shows_english_and_spanish_fields_side_by_side(client, editor):
    staff_login(client, editor)
    body = client.get(reverse("admin:articles_article_add")).content.decode()
    for english, spanish in [("title", "title_es"), ("summary", "summary_es"), ("body", "body_es")]:
        assert re.search(rf'<div class="form-row field-{english} field-{spanish}">', body), english


def test_add_form_refuses_half_a_spanish_version(client, editor):
    staff_login(client, editor)
    data = {**NEW_ARTICLE, "body_es": "", "_save": "Save"}
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.filter(slug="iron-and-sleep").exists()
    assert "Fill in both the Spanish title and the Spanish body" in response.content.decode()


def test_add_form_refuses_a_summary_longer_than_a_meta_description(client, editor):
    staff_login(client, editor)
    response = client.post(reverse("admin:articles_article_add"), {**NEW_ARTICLE, "summary": "x" * 161})
    assert response.status_code == 200
    assert not Article.objects.filter(slug="iron-and-sleep").exists()


def test_changelist_shows_status_dates_and_spanish_and_searches(client, editor):
    make_article(title="English only article")
    staff_login(client, editor)
    url = reverse("admin:articles_article_changelist")
    body = client.get(url).content.decode()
    assert "The Link Between Iron Deficiency and Restless Leg Syndrome" in body
    assert "column-has_spanish_version" in body
    assert "column-published_on" in body and "column-updated_at" in body
    found = client.get(url, {"q": "dopamine"}).context["cl"].result_list
    assert [article.slug for article in found] == [SEED_SLUG]
    drafts = client.get(url, {"status__exact": "draft"}).context["cl"].result_list
    assert list(drafts) == []


def test_change_page_links_to_the_article_on_the_site(client, editor):
    article = Article.objects.get(slug=SEED_SLUG)
    staff_login(client, editor)
    body = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "View on site" in body


def test_editor_previews_a_draft_from_admin(client, editor):
    draft = make_article(status=Article.Status.DRAFT, title="Not yet")
    staff_login(client, editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
