"""Public pages kept whole in the shared cache, by the rules of Django's UpdateCacheMiddleware and
FetchFromCacheMiddleware, and dropped when an editor's change commits.

Outermost middleware: a stored page is the response as every other middleware left it, and a
served one costs one cache round trip. A response is stored only when

- its view is a public page (`public_page`: the URLconfs say which);
- the request is a GET for the site's own origin (SITE_URL), without a query string (anyone
  could fill the cache with copies of one page) and without any cookie, so nothing on the page
  came from one;
- it is a 200, not streamed, sets no cookie (a CSRF token, a session), says neither `private`,
  `no-store` nor `no-cache`, and does not `Vary: *`.

A stored page is served to a GET or HEAD for the same origin and path whose headers named in its
`Vary` match those it was stored for, and who prefers the same language (the offer of the other
language; Accept-Language is compared as the language it resolves to, which is all the site
reads of it), never to a visitor with a session (staff; a patient who just sent a request).

Each content change (clinic_site/signals.py) starts a new generation once its transaction
commits; a copy stored in an older one is never served. Only on with a fast shared cache (Redis):
PUBLIC_PAGE_CACHE_SECONDS (default: PUBLIC_PAGE_MAX_AGE with REDIS_URL, else 0). A cache outage
never breaks a page: it is rendered as if the cache were off.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re

from core.public_pages import enabled

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"


def drop_every_page():
    """Start a new generation of stored pages (call it once the change has committed)."""
    if not enabled():
        return
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - the change is saved; pages catch up when their copies expire
        logger.warning("page cache not invalidated: cache unreachable")


def request_origin(request):
    return f"{request.scheme}://{request.get_host()}".lower()


def header_value(request, header):
    """What a stored page's `Vary` compares: the header as sent, Accept-Language as the language
    it resolves to."""
    if header == "accept-language":
        return translation.get_language_from_request(request, check_path=False)
    return request.META.get("HTTP_" + header.upper().replace("-", "_"), "")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_serve(request) or not self._is_public_page(request):
            return self.get_response(request)
        # Every page offers the visitor's preferred language (the languages context processor),
        # though LocaleMiddleware says Vary: Accept-Language only on unprefixed paths.
        where = hashlib.sha256(f"{request_origin(request)}{request.path}".encode()).hexdigest()
        key = f"public-pages:{where}:{header_value(request, 'accept-language')}"
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                generation = cache.get(GENERATION_KEY)
        except Exception:  # noqa: BLE001 - a cache outage must not take the pages down with it
            logger.warning("page cache unreachable")
            return self.get_response(request)
        stored_generation, varies, stored = found.get(key, (None, {}, None))
        if stored_generation == generation and all(header_value(request, h) == v for h, v in varies.items()):
            return stored
        response = self.get_response(request)
        if request.method == "GET" and not request.COOKIES and self._storable(response):
            varies = {header: header_value(request, header) for header in self._vary(response)}
            try:
                cache.set(key, (generation, varies, response), settings.PUBLIC_PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("page cache not stored: cache unreachable")
        return response

    @staticmethod
    def _may_serve(request):
        if not enabled() or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return False
        if request.path.startswith(settings.STATIC_URL):
            return False  # whitenoise's, never a public page: no round trip for them
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        try:
            # Another port, alias or forged scheme would store links to itself for everyone.
            return request_origin(request) == settings.SITE_URL.lower()
        except DisallowedHost:
            return False

    @staticmethod
    def _is_public_page(request):
        """Resolved here, in the path's language as LocaleMiddleware will activate it, so that
        no other request (robots.txt, the admin) costs a cache round trip."""
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return getattr(match.func, "public_page", False)

    @staticmethod
    def _vary(response):
        return [header.lower() for header in cc_delim_re.split(response.get("Vary", "")) if header]

    def _storable(self, response):
        cache_control = response.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
            and "*" not in self._vary(response)
        )
