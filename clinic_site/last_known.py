"""The last practice details and offices read, for the error pages shown while the database is
down: they must still give patients a phone number to call.

Worth its code because an outage is exactly when patients call: a process serves what it read
last, and a process started during the outage the copy another one shared through Redis within
the last few minutes (the database cache goes down with the database). Public data only.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from locations.models import Location

from .models import Clinic

logger = logging.getLogger(__name__)

_last_known = {"clinic": None, "offices": []}
_last_shared = {"clinic": float("-inf"), "offices": float("-inf")}
SHARE_EVERY_SECONDS = 300


def _remember(name, value):
    _last_known[name] = value
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
    """The offices in display order with their hours (Location.objects.for_display())."""
    try:
        return _remember("offices", list(Location.objects.for_display()))
    except DatabaseError:
        return _recall("offices")
