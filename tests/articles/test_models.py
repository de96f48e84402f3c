import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from articles.models import Article

from .conftest import SEED_SLUG, make_article

pytestmark = pytest.mark.django_db


def test_markdown_body_is_rendered_to_html_when_saved():
    article = make_article(body="Plain *words*.\n\n## Section\n\n- one\n- two", body_es="Palabras **simples**.")
    assert article.body_html == (
        "<p>Plain <em>words</em>.</p>\n<h2>Section</h2>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )
    assert article.body_html_es == "<p>Palabras <strong>simples</strong>.</p>"


def test_rendered_html_follows_an_edited_body_even_with_update_fields():
    article = make_article(body="First.")
    article.body = "Second."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_html == "<p>Second.</p>"


def test_rendered_html_keeps_only_prose_and_safe_links():
    article = make_article(
        body='Hi <script>alert(1)</script><img src=x onerror="alert(2)"> <iframe src="//evil.example"></iframe>\n\n'
        "[bad](javascript:alert(3)) [good](https://example.org/) [form](/appointments/request/)"
    )
    html = article.body_html
    for forbidden in ("<script", "alert(1)", "<img", "onerror", "<iframe", "javascript:"):
        assert forbidden not in html
    assert '<a href="https://example.org/" rel="noopener">good</a>' in html
    assert '<a href="/appointments/request/" rel="noopener">form</a>' in html


def test_published_leaves_out_drafts_and_articles_dated_in_the_future():
    today = make_article(published_on=datetime.date(2024, 3, 1))
    make_article(published_on=datetime.date(2024, 3, 1), status=Article.Status.DRAFT)
    tomorrow = make_article(published_on=datetime.date(2024, 3, 2))
    with time_machine.travel(datetime.datetime(2024, 3, 1, 18, tzinfo=datetime.UTC), tick=False):
        published = list(Article.objects.published())
    assert today in published
    assert tomorrow not in published
    assert all(article.status == Article.Status.PUBLISHED for article in published)


def test_published_uses_the_clinics_date_not_the_servers():
    # 03:00 UTC on 2 March is still the evening of 1 March in El Paso.
    article = make_article(published_on=datetime.date(2024, 3, 2))
    with time_machine.travel(datetime.datetime(2024, 3, 2, 3, tzinfo=datetime.UTC), tick=False):
        assert article not in Article.objects.published()
        assert not article.is_public
    with time_machine.travel(datetime.datetime(2024, 3, 2, 8, tzinfo=datetime.UTC), tick=False):
        assert article in Article.objects.published()


def test_articles_are_ordered_newest_first():
    older = make_article(published_on=datetime.date(2023, 5, 1))
    newer = make_article(published_on=datetime.date(2023, 6, 1))
    ordered = list(Article.objects.filter(pk__in=[older.pk, newer.pk]))
    assert ordered == [newer, older]


def test_has_spanish_needs_both_title_and_body():
    assert not make_article().has_spanish
    assert not make_article(title_es="Título").has_spanish
    assert not make_article(body_es="Cuerpo.").has_spanish
    assert make_article(title_es="Título", body_es="Cuerpo.").has_spanish


def test_half_a_spanish_version_is_refused():
    article = make_article(title_es="Título")
    with pytest.raises(ValidationError):
        article.full_clean()


def test_the_feeds_address_cannot_be_taken_as_a_slug():
    with pytest.raises(ValidationError) as error:
        make_article(slug="feed").full_clean()
    assert "slug" in error.value.message_dict


def test_display_fields_follow_the_active_language():
    article = make_article(
        title="Iron",
        summary="About iron.",
        body="Iron.",
        about="Anemia",
        title_es="Hierro",
        summary_es="Sobre el hierro.",
        body_es="Hierro.",
        about_es="Anemia ferropénica",
    )
    with translation.override("en"):
        assert (article.display_title, article.display_summary, article.display_about) == (
            "Iron",
            "About iron.",
            "Anemia",
        )
        assert article.display_body_html == "<p>Iron.</p>"
        assert article.language == "en"
    with translation.override("es"):
        assert (article.display_title, article.display_summary) == ("Hierro", "Sobre el hierro.")
        assert article.display_about == "Anemia ferropénica"
        assert article.display_body_html == "<p>Hierro.</p>"
        assert article.language == "es"


def test_spanish_visitors_get_the_english_text_while_there_is_no_spanish_version():
    article = make_article(title="Iron", body="Iron.")
    with translation.override("es"):
        assert article.display_title == "Iron"
        assert article.language == "en"


def test_absolute_url_follows_the_active_language():
    article = make_article(slug="iron")
    with translation.override("en"):
        assert article.get_absolute_url() == "/articles/iron/"
    with translation.override("es"):
        assert article.get_absolute_url() == "/es/articles/iron/"
        assert article.get_url_in("en") == "/articles/iron/"


def test_seed_article_is_published_in_both_languages():
    article = Article.objects.get(slug=SEED_SLUG)
    assert article.title == "The Link Between Iron Deficiency and Restless Leg Syndrome"
    assert article.published_on == datetime.date(2022, 8, 1)
    assert article in Article.objects.published()
    assert article.has_spanish
    assert len(article.summary) <= 160 and len(article.summary_es) <= 160
    assert "síndrome de piernas inquietas (SPI)" in article.body_es
    assert 'href="/appointments/request/"' in article.body_html
    assert 'href="/es/appointments/request/"' in article.body_html_es
    assert str(article) == article.title
