"""During a database outage the error page still gives the offices' phones, even from a process
that started after the database went down: it reads the copy another process shared in Redis."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from clinic_site import context_processors
from core import outage

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_redis(settings, monkeypatch):
    prefix = f"outage-contacts-{uuid.uuid4().hex}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    monkeypatch.setattr(outage, "_last_shared", {})
    yield prefix
    from django.core.cache import cache

    cache.delete_many(["last-known:clinic", "last-known:offices"])


def test_a_process_started_during_an_outage_still_shows_the_phones(shared_redis):
    # A healthy process reads the offices once and shares them.
    assert len(context_processors.load_offices()) == 2
    context_processors.load_clinic()

    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/');"
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        # Nothing listens on port 1: the new process never reaches its database.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/test",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert "Please call us" in outcome["body"]
    assert 'href="tel:+19152604598"' in outcome["body"]
    assert 'href="tel:+19152604633"' in outcome["body"]
    assert "Desert West Vein &amp; Surgery Center" in outcome["body"]
