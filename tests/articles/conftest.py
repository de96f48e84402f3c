import datetime
import itertools

import pytest
from django.utils import translation

from articles.models import Article
from tests.factories import StaffFactory

SEED_SLUG = "the-link-between-iron-deficiency-and-restless-leg-syndrome"

_numbers = itertools.count(1)


def make_article(**fields):
    """A published English-only article; any field can be overridden."""
    number = next(_numbers)
    values = {
        "title": f"Article {number}",
        "slug": f"article-{number}",
        "summary": f"Summary of article {number}.",
        "body": f"Body of article {number}.\n\n## A section\n\n- a point",
        "about": "Restless legs syndrome",
        "status": Article.Status.PUBLISHED,
        "published_on": datetime.date(2023, 1, 1),
    }
    values.update(fields)
    return Article.objects.create(**values)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request under /es/ leaves Spanish active in the test's thread; reversing URLs in the
    test itself must not depend on which request ran before."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def seed_article():
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture
def editor(db):
    """Staff who may add, change and view articles, and nothing else."""
    return StaffFactory(username="editor", permissions=["add_article", "change_article", "view_article"])
