"""Whole public pages kept in the shared cache for up to a minute, and dropped the moment an
editor changes what they show.

A public page is a view wrapped in `public_page` (the URLconfs say which): the same for every
visitor, so kept here, and fresh for browsers for PUBLIC_PAGE_MAX_AGE seconds ("Open now" is at
most that old). That mark is the one definition the cache reads.

Served from the cache, a page costs one cache round trip (bench/RESULTS.md has the figures). What
differs between visitors is kept out of the stored copy: the offer of the other language is part
of the key, and a page with a form (the request form) is stored with a placeholder where its CSRF
token goes; every response gets a fresh token of its own (Django's `get_token`, which also sets
the CSRF cookie), so no patient ever receives another visitor's token. Only GETs without a query
string are kept, and never for a visitor who has a session (staff; a patient who just sent a
request), nor a response that sets a cookie or says `private` for any other reason (an editor's
draft preview). A form with errors is a POST: never kept.
Only requests for the site's own origin (SITE_URL: scheme and host) are kept.

Every save or delete of the site's content (articles, offices and their hours, the practice's
details) moves the cache to a new generation; a copy stored in an older one is never served, so
an editor's change, such as a holiday closure, shows at once on every page, the form included.

Only worth it, and only on, with a fast shared cache (Redis): with the database cache a cached
page would cost a query anyway, and migrations would write to a cache table that may not exist
yet. PUBLIC_PAGE_CACHE_SECONDS turns it on (default: PUBLIC_PAGE_MAX_AGE with REDIS_URL, else 0).
A cache outage never breaks a page: it is rendered as if the cache were off.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import translation

from shared.public_pages import enabled, public_page  # noqa: F401 (the mark and switch this module reads)

logger = logging.getLogger(__name__)

# Apps whose rows appear on public pages (the header and footer show every office): saving one
# starts a new generation. Not every app: a patient's request or a session saved is no content.
CONTENT_APPS = {"articles", "locations", "clinic_site", "notices"}
GENERATION_KEY = "public-pages:generation"
# Rendered where the page's CSRF token goes in the stored copy; letters and dashes only, so
# HTML escaping leaves it as it is.
TOKEN_PLACEHOLDER = "public-page-csrf-token-placeholder"  # noqa: S105 - not a secret


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


def drop_every_page():
    """Start a new generation of cached pages (content.py calls it on every save of content)."""
    if not enabled():
        return
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # The change is saved; the pages it shows on catch up within a minute.
        logger.warning("page cache not invalidated: cache unreachable")


def with_fresh_token(request, response):
    """The response with this visitor's own CSRF token where the placeholder is, if it has one."""
    if TOKEN_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(TOKEN_PLACEHOLDER.encode(), get_token(request).encode())
    return response


class PublicPageCacheMiddleware:
    """Serves and stores public pages; everything else passes through untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        store = getattr(request, "_public_page_store", None)
        if not store:
            return response
        if self._shareable(response):
            key, generation = store
            try:
                cache.set(key, (generation, response), settings.PUBLIC_PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("page cache not stored: cache unreachable")
        # Stored (pickled) as it was; the visitor's copy gets its own token.
        return with_fresh_token(request, response)

    def process_template_response(self, request, response):
        """A page about to be stored renders the placeholder instead of a token (the view's
        context wins over the csrf context processor's)."""
        if getattr(request, "_public_page_store", None) and response.context_data is not None:
            response.context_data["csrf_token"] = TOKEN_PLACEHOLDER
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable(request, view_func):
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
            return with_fresh_token(request, response)
        request._public_page_store = (key, generation)
        return None

    @staticmethod
    def _cacheable(request, view_func):
        return (
            enabled()
            and request.method == "GET"
            # A query string would let anyone fill the cache with copies of one page.
            and not request.GET
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Another port or alias of the host, or a forged scheme, would store (and serve to
            # everyone) links to it, and each new port would make a new copy: served, not kept.
            and request_origin(request) == canonical_origin()
            and getattr(view_func, "public_page", False)
        )

    @staticmethod
    def _shareable(response):
        cache_control = response.get("Cache-Control", "")
        # A page whose only personal part is its token (now the placeholder) says `private` to
        # browsers and proxies, for its token's sake: it may be kept here all the same.
        only_the_token = not response.streaming and TOKEN_PLACEHOLDER.encode() in response.content
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and (only_the_token or not any(word in cache_control for word in ("private", "no-store", "no-cache")))
        )
