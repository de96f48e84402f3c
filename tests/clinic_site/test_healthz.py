from pathlib import Path

import pytest

from tests.live import django_with_refused_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "oldest_task_waiting_seconds": 0,
        "tasks_stuck_running": 0,
    }


def test_healthz_reports_how_long_the_oldest_due_task_has_waited(client):
    import datetime

    import time_machine
    from django.utils import timezone

    from appointments.tasks import send_email

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send_email.enqueue(1, "staff")
        # Queued for later: not waiting yet.
        send_email.using(run_after=start + datetime.timedelta(hours=1)).enqueue(1, "reminder")
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["oldest_task_waiting_seconds"] == 300


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
