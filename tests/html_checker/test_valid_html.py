"""Every page a patient can meet is valid HTML by the W3C Nu Html Checker (vnu).

The checker is the npm package `vnu-jar`, pinned in this folder's package-lock.json and run with
the machine's Java; `make test` installs both. It runs once over every page, written to files,
because starting the JVM costs seconds.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from locations.models import Location
from tests.appointments.conftest import NOW, form_data
from tests.conftest import public_paths

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_with_failures")]

VNU_JAR = Path(__file__).with_name("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker_command():
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed to run the Nu Html Checker: `make test` installs default-jre-headless")
    if not VNU_JAR.is_file():
        pytest.fail(f"The Nu Html Checker is missing at {VNU_JAR}: `make test` installs it with npm ci")
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]


def every_page(settings):
    """Each page's label and the response, with the status it must have, in both languages."""
    settings.APPOINTMENT_RATE_LIMIT = "1/h"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    office = Location.objects.get(slug="medical-center-drive")
    client = Client()
    client.raise_request_exception = False
    yield from ((path, client.get(path), 200) for path in public_paths())
    for number, prefix in enumerate(("", "/es")):
        form = f"{prefix}/appointments/request/"
        # Its own address per language, so each language's rate limit is its own.
        patient = Client(REMOTE_ADDR=f"203.0.113.{number + 1}")
        with_errors = patient.post(form, form_data(office, first_name="", phone="12"))
        assert "error-summary" in with_errors.content.decode()
        yield f"{form} with errors", with_errors, 200
        assert patient.post(form, form_data(office)).status_code == 303
        yield f"{prefix}/appointments/request/received/", patient.get(f"{prefix}/appointments/request/received/"), 200
        yield f"{form} over the rate limit", patient.post(form, form_data(office)), 429
        yield f"{prefix}/no-such-page/", client.get(f"{prefix}/no-such-page/"), 404
        yield f"{prefix}/database-down/", client.get(f"{prefix}/database-down/"), 503
        yield f"{prefix}/failing-view/", client.get(f"{prefix}/failing-view/"), 500
        yield f"{form} too large", client.post(form, {"message": "x" * 5000}), 400
        csrf_failure = Client(enforce_csrf_checks=True).post(form, form_data(office))
        yield f"{form} without its CSRF token", csrf_failure, 403


def test_every_page_is_valid_html(settings, tmp_path):
    command = checker_command()
    labels = {}
    with time_machine.travel(NOW, tick=False):
        for label, response, status in every_page(settings):
            assert response.status_code == status, label
            assert response["Content-Type"].startswith("text/html"), label
            page = tmp_path / f"{len(labels):03}.html"
            page.write_bytes(response.content)
            labels[page.name] = label
    assert len(labels) > 30

    result = subprocess.run([*command, *sorted(tmp_path.glob("*.html"))], capture_output=True, text=True, timeout=600)
    assert result.stdout.strip(), f"The checker gave no report: {result.stderr}"
    report = json.loads(result.stdout)
    # Errors, and warnings too: the pages have none, so any new one is a change to look at.
    # Plain "info" messages are notes about the document, not findings.
    problems = [
        f"{message.get('subType', message['type'])}: {labels.get(Path(message.get('url', '?')).name, '?')} "
        f"line {message.get('lastLine', '?')}: {message['message']}"
        for message in report["messages"]
        if message["type"] != "info" or message.get("subType") == "warning"
    ]
    assert not problems, "\n".join(problems)
    assert result.returncode == 0, result.stderr
