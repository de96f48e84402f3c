import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst

from locations.models import Location

from .models import Clinic

logger = logging.getLogger(__name__)

# The last practice details and offices read. The error pages must give patients a phone number
# to call even while the database is down, so they fall back on what was read last: this
# process's copy, or, for a process that started during the outage, the copy another process
# shared through the cache (Redis in production) within the last few minutes.
# Public data only; nothing about patients is ever kept here.
_last_known = {"clinic": None, "offices": []}
_last_shared = {"clinic": float("-inf"), "offices": float("-inf")}
SHARE_EVERY_SECONDS = 300


def _remember(name, value):
    _last_known[name] = value
    # Only through Redis: the database cache goes down with the database.
    if settings.REDIS_URL and time.monotonic() - _last_shared[name] > SHARE_EVERY_SECONDS:
        _last_shared[name] = time.monotonic()
        try:
            cache.set(f"last-known:{name}", value, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not take the page down
            logger.warning("last-known %s not shared: cache unreachable", name)
    return value


def _recall(name):
    logger.warning("%s unavailable: database unreachable", name)
    if _last_known[name]:
        return _last_known[name]
    try:
        return cache.get(f"last-known:{name}") or _last_known[name]
    except Exception:  # noqa: BLE001 - the cache may be in the same database that is down
        return _last_known[name]


def load_clinic():
    try:
        return _remember("clinic", Clinic.load())
    except DatabaseError:
        return _recall("clinic") or Clinic(name="")


def load_offices():
    try:
        return _remember("offices", list(Location.objects.for_display()))
    except DatabaseError:
        return _recall("offices")


def clinic(request):
    """The practice and its offices, for the header, the footer and the error pages.

    Lazy, so a response that never renders them (a redirect) costs no query.
    """
    return {"clinic": SimpleLazyObject(load_clinic), "offices": SimpleLazyObject(load_offices)}


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
    current = translation.get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append(
            {
                "code": code,
                # Each language named in itself, as a patient looking for it recognises it.
                "name": capfirst(translation.get_language_info(code)["name_local"]),
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
            }
        )
    preferred = translation.get_language_from_request(request, check_path=False)
    offer = next((link for link in links if link["code"] == preferred and not link["is_current"]), None)
    return {"language_links": links, "language_offer": offer}
