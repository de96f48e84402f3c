from pathlib import Path

import pytest

from tests.live import django_with_refused_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_answers_503_when_the_database_cannot_be_reached():
    # A real unreachable server: nothing listens on port 1, so the connection is refused.
    outcome = django_with_refused_database(
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    assert outcome == {
        "status": 503,
        "body": {"status": "unavailable", "database": "unreachable", "cache": "unreachable"},
    }
