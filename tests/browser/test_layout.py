import pytest

from tests.conftest import public_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_no_public_page_scrolls_sideways_on_a_360_px_phone(new_page):
    page = new_page(viewport={"width": 360, "height": 740})
    too_wide = {}
    for path in public_paths():
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}, f"pages wider than 360 px (path: scrollWidth): {too_wide}"
