"""The mark that makes a view a public page, which the page cache (clinic_site/page_cache.py)
reads. It lives at the lowest level so each app's URLconf can mark its own views without
importing the site package above it."""

import functools

from django.conf import settings
from django.utils.cache import patch_cache_control


def public_page(view):
    """Mark `view` as a public page (see the module's docstring), and let browsers keep its
    responses PUBLIC_PAGE_MAX_AGE seconds unless the view says otherwise (the request form's
    `never_cache`, a draft preview)."""

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
