import datetime
import html
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from articles.models import Article
from core.models import Clinic
from tests.conftest import staff_login
from tests.factories import StaffFactory
from tests.page import Page

from .conftest import SEED_SLUG, make_article

pytestmark = pytest.mark.django_db

# The clinic's own page as it was captured, kept beside this test: the migration's source text.
SEED_FILE = Path(__file__).with_name("seed_page.txt")
SEED_URL = f"/articles/{SEED_SLUG}/"
SEED_TITLE = "The Link Between Iron Deficiency and Restless Leg Syndrome"

# Queries a page of the article list costs whatever the number of articles: the count and the
# page of articles, plus the layout's clinic (1) and offices (1: their names and phones).
LIST_QUERIES = 4
# The article, the related articles, plus the layout's clinic and offices.
DETAIL_QUERIES = 4


def seed_article_sentences():
    """Every sentence of the seed's article, cleaned as the migration cleans it."""
    lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    second_title = [number for number, line in enumerate(lines) if line.strip() == SEED_TITLE][1]
    first_address = next(number for number, line in enumerate(lines) if re.match(r"\d+ \w", line))
    sentences = []
    for line in lines[second_title + 1 : first_address]:
        text = " ".join(line.replace("\xa0", " ").replace("•", "").split())
        text = text.replace("Surgery CenterAtur", "Surgery Center, Atur")
        sentences += [sentence for sentence in re.split(r"(?<=[.?!])\s+", text) if sentence]
    return sentences


def page_text(response):
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def ld_json(response):
    return Page(response).json_ld()


def make_staff(*, can_view=True):
    return StaffFactory(username="staff", permissions=["view_article"] if can_view else [])


class TestSeedArticle:
    def test_is_served_at_its_slug_with_its_three_headings(self, client):
        response = client.get(SEED_URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert f'<h1 id="article-title">{SEED_TITLE}</h1>' in body
        for heading in (
            "RLS and iron deficiency",
            "Treating restless leg syndrome",
            "Start enjoying a good night’s sleep",
        ):
            assert f"<h2>{heading}</h2>" in body

    def test_lists_its_five_treatment_options(self, client):
        body = client.get(SEED_URL).content.decode()
        items = re.findall(r"<li>(.*?)</li>", body.split('class="prose"')[1].split("</div>")[0])
        assert items == [
            "Hot and cold compresses",
            "Foot wraps",
            "Massage",
            "Stretching exercises",
            "Lifestyle changes, like exercise or avoiding caffeine",
        ]

    def test_says_every_sentence_of_the_seed(self, client):
        text = page_text(client.get(SEED_URL))
        sentences = seed_article_sentences()
        assert len(sentences) > 30
        missing = [sentence for sentence in sentences if sentence not in text]
        assert not missing

    def test_leaves_out_the_page_furniture(self, client):
        text = page_text(client.get(SEED_URL))
        assert "misc image" not in text
        assert "\xa0" not in client.get(SEED_URL).content.decode()
        assert "Surgery CenterAtur" not in text

    def test_links_its_appointment_sentence_to_the_request_form(self, client):
        body = client.get(SEED_URL).content.decode()
        assert '<a href="/appointments/request/" rel="noopener">book an appointment online</a>' in body

    def test_spanish_page_shows_the_spanish_version(self, client):
        response = client.get("/es" + SEED_URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert "La relación entre la deficiencia de hierro y el síndrome de piernas inquietas</h1>" in body
        assert '<article class="article" lang="es"' in body
        assert '<a href="/es/appointments/request/" rel="noopener">reserve una cita en línea</a>' in body
        assert "Compresas calientes y frías" in body


class TestArticleList:
    def test_shows_published_articles_newest_first_without_drafts(self, client):
        older = make_article(title="Older article", published_on="2023-01-01")
        newer = make_article(title="Newer article", published_on="2024-01-01")
        make_article(title="Draft article", status=Article.Status.DRAFT)
        make_article(title="Future article", published_on="2999-01-01")
        response = client.get("/articles/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Draft article" not in body and "Future article" not in body
        assert body.index(newer.title) < body.index(older.title) < body.index(SEED_TITLE)

    def test_pages_hold_ten_articles(self, client):
        for day in range(1, 15):
            make_article(published_on=f"2023-02-{day:02}")
        first = client.get("/articles/")
        assert len(first.context["articles"]) == 10
        assert 'href="?page=2"' in first.content.decode()
        assert len(client.get("/articles/?page=2").context["articles"]) == 5

    @pytest.mark.parametrize("page", ["99", "abc"])
    def test_a_page_past_the_end_or_not_a_number_is_404(self, client, page):
        assert client.get(f"/articles/?page={page}").status_code == 404

    @pytest.mark.parametrize("count", [1, 60])
    def test_costs_the_same_queries_for_one_or_sixty_articles(self, client, django_assert_num_queries, count):
        for _ in range(count - 1):
            make_article()
        assert Article.objects.published().count() == count
        with django_assert_num_queries(LIST_QUERIES):
            assert client.get("/articles/").status_code == 200

    def test_spanish_list_shows_spanish_titles_and_marks_english_ones(self, client):
        make_article(title="English only")
        body = client.get("/es/articles/").content.decode()
        assert "La relación entre la deficiencia de hierro" in body
        assert re.search(r'<article class="article-summary" lang="en"[^>]*>\s*<h2[^>]*><a [^>]*>English only', body)


class TestArticleDetail:
    @pytest.mark.parametrize("count", [1, 60])
    def test_costs_the_same_queries_for_one_or_sixty_articles(self, client, django_assert_num_queries, count):
        for _ in range(count - 1):
            make_article()
        with django_assert_num_queries(DETAIL_QUERIES):
            assert client.get(SEED_URL).status_code == 200

    def test_unknown_slug_is_404(self, client):
        assert client.get("/articles/no-such-article/").status_code == 404

    def test_draft_article_is_404_for_visitors(self, client):
        draft = make_article(status=Article.Status.DRAFT)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get("/es" + draft.get_absolute_url()).status_code == 404

    def test_article_dated_in_the_future_is_404_for_visitors(self, client):
        assert client.get(make_article(published_on="2999-01-01").get_absolute_url()).status_code == 404

    def test_staff_can_preview_a_draft_marked_as_such_and_not_indexed(self, client, django_user_model):
        draft = make_article(title="Work in progress", status=Article.Status.DRAFT)
        staff_login(client, make_staff())
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert "Work in progress" in body
        assert "Draft preview" in body
        assert '<meta name="robots" content="noindex">' in body
        assert "no-store" in response["Cache-Control"]

    def test_staff_without_permission_to_view_articles_get_404_for_a_draft(self, client, django_user_model):
        draft = make_article(status=Article.Status.DRAFT)
        staff_login(client, make_staff(can_view=False))
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_a_draft_takes_the_second_factor_not_the_password_alone(self, client, django_user_model):
        draft = make_article(title="Work in progress", status=Article.Status.DRAFT)
        client.force_login(make_staff())  # the password given, the code not yet
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get("/es" + draft.get_absolute_url()).status_code == 404

    def test_published_article_is_indexable_and_not_marked_as_a_preview(self, client):
        body = client.get(SEED_URL).content.decode()
        assert "noindex" not in body
        assert "Draft preview" not in body

    def test_shows_the_date_a_call_to_action_and_a_disclaimer(self, client):
        body = client.get(SEED_URL).content.decode()
        assert '<time datetime="2022-08-01">' in body
        assert re.search(
            r'<a class="btn btn-primary btn-lg" href="/appointments/request/">Request appointment</a>', body
        )
        assert "This article is general information, not medical advice for you." in body

    def test_links_to_up_to_three_other_recent_articles(self, client):
        recent = [make_article(title=f"Recent {day}", published_on=f"2024-04-0{day}") for day in range(1, 5)]
        response = client.get(SEED_URL)
        related = list(response.context["view"].related_articles())
        assert related == [recent[3], recent[2], recent[1]]
        assert f'href="{recent[3].get_absolute_url()}"' in response.content.decode()

    def test_markdown_cannot_put_script_or_event_handlers_or_javascript_links_on_the_page(self, client):
        article = make_article(
            body='Hello <script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
            '[click](javascript:alert(2)) <a href="javascript:alert(3)">me</a>',
            body_es="<script>alert(4)</script>",
            title_es="Hola",
        )
        for path in (article.get_absolute_url(), "/es" + article.get_absolute_url()):
            body = client.get(path).content.decode()
            assert "<script>" not in body
            assert "alert(" not in body
            assert "onerror" not in body
            assert "javascript:" not in body

    def test_title_cannot_break_out_of_the_structured_data(self, client):
        article = make_article(title='</script><script>alert("x")</script>')
        response = client.get(article.get_absolute_url())
        assert "<script>alert" not in response.content.decode()
        assert ld_json(response)["headline"] == article.title


class TestSearchEngineData:
    def test_title_description_and_canonical_url(self, client, seed_article):
        body = client.get(SEED_URL).content.decode()
        assert f"<title>{SEED_TITLE} · " in body
        assert f'<meta name="description" content="{html.escape(seed_article.summary, quote=True)}">' in body
        assert f'<link rel="canonical" href="http://testserver{SEED_URL}">' in body

    def test_open_graph_tags(self, client):
        body = client.get(SEED_URL).content.decode()
        assert '<meta property="og:type" content="article">' in body
        assert f'<meta property="og:title" content="{SEED_TITLE}">' in body
        assert f'<meta property="og:url" content="http://testserver{SEED_URL}">' in body
        assert '<meta property="og:locale" content="en_US">' in body
        assert '<meta property="og:description" content="' in body

    def test_hreflang_alternates_when_a_spanish_version_exists(self, client):
        body = client.get(SEED_URL).content.decode()
        assert f'<link rel="alternate" hreflang="en" href="http://testserver{SEED_URL}">' in body
        assert f'<link rel="alternate" hreflang="es" href="http://testserver/es{SEED_URL}">' in body
        assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{SEED_URL}">' in body

    def test_no_spanish_alternate_for_an_english_only_article(self, client):
        article = make_article()
        body = client.get(article.get_absolute_url()).content.decode()
        assert 'hreflang="es" href="http' not in body
        assert 'hreflang="x-default"' not in body

    def test_medical_web_page_structured_data(self, client, seed_article):
        data = ld_json(client.get(SEED_URL))
        assert data["@type"] == "MedicalWebPage"
        assert data["headline"] == SEED_TITLE
        assert data["datePublished"] == "2022-08-01"
        assert datetime.datetime.fromisoformat(data["dateModified"]) == seed_article.updated_at
        assert data["inLanguage"] == "en"
        assert data["about"] == {"@type": "MedicalCondition", "name": "Restless legs syndrome"}
        assert data["publisher"]["name"] == Clinic.load().name

    def test_spanish_structured_data_is_in_spanish(self, client):
        data = ld_json(client.get("/es" + SEED_URL))
        assert data["inLanguage"] == "es"
        assert data["headline"].startswith("La relación")
        assert data["about"]["name"] == "Síndrome de piernas inquietas"


class TestEnglishOnlyArticleInSpanish:
    def test_says_it_is_not_available_in_spanish_and_links_to_the_english_page(self, client):
        english_path = make_article(title="Only in English").get_absolute_url()
        response = client.get("/es" + english_path)
        assert response.status_code == 200
        body = response.content.decode()
        with translation.override("es"):
            note = translation.gettext("This article is not available in Spanish yet. Here it is in English.")
        assert html.escape(note) in body
        assert f'<a href="{english_path}" hreflang="en">' in body

    def test_shows_the_english_text_marked_as_english(self, client):
        article = make_article(title="Only in English")
        body = client.get("/es" + article.get_absolute_url()).content.decode()
        assert '<article class="article" lang="en"' in body
        assert "Only in English</h1>" in body

    def test_points_search_engines_at_the_english_page(self, client):
        english_path = make_article().get_absolute_url()
        body = client.get("/es" + english_path).content.decode()
        assert f'<link rel="canonical" href="http://testserver{english_path}">' in body

    def test_english_page_has_no_such_note(self, client):
        body = client.get(make_article().get_absolute_url()).content.decode()
        assert "not available in Spanish" not in body


class TestHomePage:
    def test_shows_the_three_latest_published_articles(self, client):
        articles = [make_article(title=f"Home article {day}", published_on=f"2024-05-0{day}") for day in range(1, 5)]
        make_article(title="Unpublished draft", status=Article.Status.DRAFT)
        body = client.get("/").content.decode()
        for article in articles[1:]:
            assert f'href="{article.get_absolute_url()}"' in body
        assert articles[0].title not in body
        assert "Unpublished draft" not in body
        assert 'href="/articles/"' in body
