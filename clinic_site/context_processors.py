import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

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
