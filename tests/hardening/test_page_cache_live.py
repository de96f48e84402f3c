"""The pages the page cache keeps in Redis never outlive an editor's save made in another
process: live gunicorn with two workers and the page cache on, the save made by a separate
`manage.py shell`, as the admin's own process would (clinic_site/signals.py drops the pages once
that save commits)."""

import pytest

from tests.live import HttpClient, production_env

pytestmark = [pytest.mark.postgres]

# Every page that shows an office's phone (all of them, in the header) or the articles' titles.
PAGES = ["/", "/es/", "/articles/", "/locations/", "/locations/dean-martin/", "/appointments/request/", "/privacy/"]
ARTICLE_PAGES = ["/", "/articles/"]
NEW_PHONE = "915-555-0142"
NEW_TITLE = "Iron, sleep and restless legs"
EDIT = """
from articles.models import Article
from locations.models import Location
office = Location.objects.get(slug="dean-martin")
office.phone = {phone!r}
office.save()
article = Article.objects.get(slug="the-link-between-iron-deficiency-and-restless-leg-syndrome")
article.title = {title!r}
article.save()
"""


def edit(live_database, phone, title, shared_cache):
    live_database.manage(
        "shell",
        "--no-imports",
        "-c",
        EDIT.format(phone=phone, title=title),
        env=production_env(DATABASE_URL=live_database.url(), **shared_cache),
    )


def bodies(server, paths, rounds=6):
    """Each page several times over new connections, so that both workers answer each."""
    client = HttpClient(server.base_url)
    for _ in range(rounds):
        for path in paths:
            response = client.get(path)
            assert response.status == 200, path
            yield path, response.body.decode()


def test_an_editors_save_in_another_process_shows_on_the_next_request_to_every_worker(
    live_database, start_gunicorn, shared_cache
):
    [(old_phone,)] = live_database.execute("SELECT phone FROM locations_location WHERE slug = 'dean-martin'")
    [(old_title,)] = live_database.execute(
        "SELECT title FROM articles_article WHERE slug = 'the-link-between-iron-deficiency-and-restless-leg-syndrome'"
    )
    server = start_gunicorn(live_database.url(), workers=2, PUBLIC_PAGE_CACHE_SECONDS="60", **shared_cache)
    try:
        for path, body in bodies(server, PAGES):  # the public pages are stored
            assert old_phone in body, path
        edit(live_database, NEW_PHONE, NEW_TITLE, shared_cache)
        for path, body in bodies(server, PAGES):
            assert NEW_PHONE in body and old_phone not in body, path
            if path in ARTICLE_PAGES:
                assert NEW_TITLE in body, path
    finally:
        edit(live_database, old_phone, old_title, shared_cache)  # the live database is shared by the session
