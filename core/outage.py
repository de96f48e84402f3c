"""What the pages shown while the database is down still need: the last copy read of what the
caller loads (the practice and its offices, so the 503 page gives patients a phone to call).

Worth its code because an outage is exactly when patients call: a process serves what it read
last, and a process started during the outage the copy another one shared through Redis within
the last few minutes (the database cache goes down with the database). Public data only.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

SHARE_EVERY_SECONDS = 300
_last_known = {}
_last_shared = {}


def last_known(name, load, default=None):
    """`load()`, remembered under `name`; while the database fails, the last copy remembered
    here or shared by another process, else `default`."""
    try:
        value = load()
    except DatabaseError:
        logger.warning("%s unavailable: database unreachable", name)
        return _last_known.get(name) or _shared_copy(name) or default
    _last_known[name] = value
    if settings.REDIS_URL and time.monotonic() - _last_shared.get(name, float("-inf")) > SHARE_EVERY_SECONDS:
        _last_shared[name] = time.monotonic()
        try:
            cache.set(f"last-known:{name}", value, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not take the page down
            logger.warning("last-known %s not shared: cache unreachable", name)
    return value


def _shared_copy(name):
    try:
        return cache.get(f"last-known:{name}")
    except Exception:  # noqa: BLE001 - the cache may be in the same database that is down
        return None
