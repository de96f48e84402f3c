"""The last practice details and offices read, for pages shown while the database is down.

The error pages must give patients a phone number to call even during an outage, so they fall
back on what was read last: this process's copy, or, for a process that started during the
outage, the copy another process shared through the cache (Redis in production) within the last
few minutes. Public data only; nothing about patients is ever kept here.

The offices are also kept between requests while the database answers: reading them with their
hours is most of a plain page's cost, and they change only when an editor saves something. Each
request reads the practice's row anyway, and its content token changes with every such save
(content.py), so the kept offices serve only while the token and the day they were read under
still hold: an editor's change shows on the very next request in every process.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from locations.models import Location

from .models import Clinic

logger = logging.getLogger(__name__)

_last_known = {"clinic": None, "offices": []}
_last_shared = {"clinic": float("-inf"), "offices": float("-inf")}
SHARE_EVERY_SECONDS = 300
# ((content token, day), the offices read under them): one entry, replaced as a whole.
_kept_offices = (None, [])


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


def load_offices(clinic=None):
    """The offices in display order with their hours, as Location.objects.for_display() reads
    them; the copy kept under `clinic`'s content token when it still holds (see above).

    The day is part of the key since for_display() reads special dates from today on. The kept
    instances are shared by every request of this process until the next change: templates only
    read them (the per-minute answers office_hours.py keeps on them are bounded).
    """
    global _kept_offices
    key = None if clinic is None else (clinic.content_token, timezone.localdate())
    kept_key, kept = _kept_offices
    if key is not None and kept_key == key:
        return kept
    try:
        offices = _remember("offices", list(Location.objects.for_display()))
    except DatabaseError:
        return _recall("offices")
    if key is not None:
        # Read under a token that an editor's commit may already have replaced: then the next
        # request reads a new token and reads the offices again, so nothing stale is served.
        _kept_offices = (key, offices)
    return offices


def forget_kept_offices():
    """Drop the kept offices (tests, whose rollbacks can bring back an old token)."""
    global _kept_offices
    _kept_offices = (None, [])
