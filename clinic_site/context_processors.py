import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst

from locations.models import Location

from .models import Clinic

logger = logging.getLogger(__name__)

# The last practice details and offices this process read. The error pages must give
# patients a phone number to call even while the database is down, so they fall back
# on what was read last. Public data only; nothing about patients is ever kept here.
_last_known = {"clinic": Clinic(name=""), "offices": []}


def load_clinic():
    try:
        _last_known["clinic"] = Clinic.load()
    except DatabaseError:
        logger.warning("clinic details unavailable: database unreachable")
    return _last_known["clinic"]


def load_offices():
    try:
        _last_known["offices"] = list(Location.objects.for_display())
    except DatabaseError:
        logger.warning("offices unavailable: database unreachable")
    return _last_known["offices"]


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
