"""The mark that makes a view a public page, which the page cache (core/page_cache.py) reads:
in core, so each app's URLconf marks its own views."""

import functools

from django.conf import settings
from django.utils.cache import patch_cache_control


def public_page(view):
    """Mark `view` as the same for every visitor without a cookie, and let browsers keep its
    responses PUBLIC_PAGE_MAX_AGE seconds ("Open now" is at most that old) unless the view says
    otherwise (a draft preview's `never_cache`)."""

    @functools.wraps(view)
    def public_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        return response

    public_view.public_page = True
    return public_view


def enabled():
    return settings.PUBLIC_PAGE_CACHE_SECONDS > 0
