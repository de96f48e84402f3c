"""Whole public pages kept in the shared cache for up to a minute, and dropped the moment an
editor changes what they show.

Rendering the home, article and office pages costs several queries and a full template render
each; served from the cache, a page costs one cache round trip (bench/RESULTS.md has the figures).
Only pages that are the same for every visitor are kept: they carry no CSRF token and no
session, and the one thing on them about the visitor, the offer of the other language, is part
of the key. The request form is never kept (it carries a CSRF token), nor is anything that sets a
cookie or says `private` (an editor's draft preview), nor anything for a visitor who has a
session (staff; a patient who just sent a request). "Open now" is at most a minute old. Only
requests for the site's own origin (SITE_URL: scheme and host) are kept.

Every save or delete of the site's content (articles, offices and their hours, the practice's
details) moves the cache to a new generation; a copy stored in an older one is never served, so
an editor's change, such as a holiday closure, shows at once (the locations issue asks for it).

Only worth it, and only on, with a fast shared cache (Redis): with the database cache a cached
page would cost a query anyway, and migrations would write to a cache table that may not exist
yet. PUBLIC_PAGE_CACHE_SECONDS turns it on (default: 60 with REDIS_URL, else 0).
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

logger = logging.getLogger(__name__)

CACHED_VIEWS = {"home", "articles:detail", "locations:list", "locations:detail"}
# Apps whose rows appear on the cached pages (the header and footer show every office).
CONTENT_APPS = {"articles", "locations", "clinic_site"}
GENERATION_KEY = "public-pages:generation"


def enabled():
    return settings.PUBLIC_PAGE_CACHE_SECONDS > 0


def new_generation():
    cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    return cache.get(GENERATION_KEY)


def canonical_origin():
    """The site's public scheme and host (SITE_URL), the only ones whose pages are kept: the
    pages' absolute links (hreflang) repeat the Host header and scheme they were asked with."""
    return settings.SITE_URL.lower()


def request_origin(request):
    return f"{request.scheme}://{request.get_host()}".lower()


def page_key(request):
    where = hashlib.sha256(f"{request_origin(request)}{request.path}".encode()).hexdigest()[:32]
    # The page's language, and the language the visitor's browser prefers (the offer line).
    preferred = translation.get_language_from_request(request, check_path=False)
    return f"public-pages:{where}:{translation.get_language()}:{preferred}"


def content_changed(sender, **kwargs):
    """post_save / post_delete receiver: start a new generation of cached pages."""
    if not enabled() or sender._meta.app_label not in CONTENT_APPS:
        return
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # The change is saved; the pages it shows on catch up within a minute.
        logger.warning("page cache not invalidated: cache unreachable")


class PublicPageCacheMiddleware:
    """Serves and stores CACHED_VIEWS; everything else passes through untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        store = getattr(request, "_public_page_store", None)
        if store and self._shareable(response):
            key, generation = store
            try:
                cache.set(key, (generation, response), settings.PUBLIC_PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("page cache not stored: cache unreachable")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable(request):
            return None
        key = page_key(request)
        try:
            # One round trip: the current generation and the stored copy, which is only good if
            # it was stored in this generation.
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or new_generation()
        except Exception:
            # A cache outage must not take the pages down with it: render them as usual.
            logger.warning("page cache unreachable")
            return None
        stored_generation, response = found.get(key, (None, None))
        if response is not None and stored_generation == generation:
            return response
        request._public_page_store = (key, generation)
        return None

    @staticmethod
    def _cacheable(request):
        return (
            enabled()
            and request.method == "GET"
            # A query string would let anyone fill the cache with copies of one page.
            and not request.GET
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Another port or alias of the host, or a forged scheme, would store (and serve to
            # everyone) links to it, and each new port would make a new copy: served, not kept.
            and request_origin(request) == canonical_origin()
            and request.resolver_match is not None
            and request.resolver_match.view_name in CACHED_VIEWS
        )

    @staticmethod
    def _shareable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )
