import functools

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_urlconf, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst

from core.languages import active_language
from core.models import Clinic
from core.outage import last_known
from locations.models import Location


def clinic(request):
    """The practice and its offices, for the header, the footer and the error pages.

    Lazy, so a response that never renders them (a redirect) costs no query.
    """
    return {"clinic": SimpleLazyObject(load_clinic), "offices": SimpleLazyObject(load_offices)}


def load_clinic():
    return last_known("clinic", Clinic.load, default=Clinic(name=""))


def load_offices():
    """The offices in display order, for their names and phones; the pages that show their
    hours read them with it (the home page, the offices page)."""
    return last_known("offices", lambda: list(Location.objects.all()), default=[])


def languages(request):
    """The same page in each language: the visible switch and the hreflang alternates.

    Plain links rather than Django's set_language form, so the switch works without
    JavaScript and sets no cookie on public pages. A visitor whose browser prefers another
    language than the page's is offered that language (never redirected).
    """
    try:
        request.get_host()
    except DisallowedHost:
        # The 400 page for a forged Host header: no absolute links can be built from it.
        return {"language_links": [], "language_offer": None}
    current = active_language()
    path, _, query = request.get_full_path().partition("?")
    links = []
    for code, _name in settings.LANGUAGES:
        url = _translated_path(path, code, get_urlconf() or settings.ROOT_URLCONF) + (f"?{query}" if query else "")
        links.append(
            {
                "code": code,
                # Each language named in itself, as a patient looking for it recognises it.
                "name": capfirst(translation.get_language_info(code)["name_local"]),
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
                "is_default": code == settings.LANGUAGE_CODE,
            }
        )
    preferred = translation.get_language_from_request(request, check_path=False)
    offer = next((link for link in links if link["code"] == preferred and not link["is_current"]), None)
    return {"language_links": links, "language_offer": offer}


@functools.lru_cache(maxsize=512)
def _translated_path(path, code, urlconf):
    """translate_url() (a resolve and a reverse), once per process for each path, language and
    URLconf: it depends on nothing else, and the same pages are asked for over and over. Bounded,
    since anyone can ask for any path; the path alone, so a query string (a front-desk search
    for a patient's name) is never kept."""
    return translate_url(path, code)
