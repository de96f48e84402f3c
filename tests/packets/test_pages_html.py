"""Every packet page a patient can meet, in both languages, is valid HTML by the W3C Nu Html
Checker: each step blank, with errors and with a photo received or refused, the review (also
with answers missing), the receipt, and the pages for a link that cannot be used."""

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from packets.models import Packet, Question
from tests.html_checker.test_valid_html import checker_command

from . import test_pages_fixtures as shared
from .test_pages_fixtures import STEP_ANSWERS, fill_packet, jpeg_bytes, packet_path, post_step, step_path, upload

booked, clinic_clock = shared.booked, shared.clinic_clock

pytestmark = pytest.mark.django_db


def every_packet_page(booked, settings):
    for language in ("en", "es"):
        booked.callback_language = language
        booked.save()
        client = Client()
        path = packet_path(booked)
        yield f"{language} step 1", client.get(step_path(path, 1)), 200
        yield f"{language} step 1 with errors", post_step(client, path, 1, birth_date="", sex="x"), 200
        post_step(client, path, 1)
        yield f"{language} step 2", client.get(step_path(path, 2)), 200
        refused = client.post(
            step_path(path, 2),
            {**STEP_ANSWERS[2], "move": "next", "card_front": upload("a.jpg", b"not a photo" * 50),
             "card_back": upload("b.jpg", jpeg_bytes(size=(400, 300)))},
        )  # fmt: skip
        yield f"{language} step 2 with a photo refused", refused, 400
        yield f"{language} step 2 with a photo received", client.get(step_path(path, 2)), 200
        settings.PACKET_UPLOAD_MAX_BYTES = 1000
        too_large = client.post(step_path(path, 2), {"move": "next", "photo_id": upload("c.jpg", b"\0" * 900_000)})
        settings.PACKET_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
        yield f"{language} step 2 far too large", too_large, 413
        post_step(client, path, 2)
        yield f"{language} step 3", client.get(step_path(path, 3)), 200
        yield f"{language} step 3 with errors", post_step(client, path, 3, compression_hours="-3"), 200
        post_step(client, path, 3)
        yield f"{language} step 4", client.get(step_path(path, 4)), 200
        yield f"{language} step 4 with errors", post_step(client, path, 4, signature="", consent_privacy=None), 200
        fill_packet(client, path)
        yield f"{language} review", client.get(step_path(path, 5)), 200
        extra = Question.objects.create(key="extra", step=3, kind="text", required=True, text_en="X", text_es="X")
        yield f"{language} review with answers missing", client.post(step_path(path, 5), {"move": "send"}), 400
        extra.delete()
        client.post(step_path(path, 5), {"move": "send"})
        yield f"{language} sent", client.get(path), 200
        Packet.objects.filter(appointment_request=booked).delete()
        prefix = "/es" if language == "es" else ""
        yield f"{language} unknown link", client.get(f"{prefix}/appointments/prepare/{'C' * 43}/"), 400


def test_every_packet_page_is_valid_html(booked, settings, tmp_path):
    command = checker_command()
    labels = {}
    for label, response, status in every_packet_page(booked, settings):
        assert response.status_code == status, label
        assert response["Content-Type"].startswith("text/html"), label
        page = tmp_path / f"{len(labels):03}.html"
        page.write_bytes(response.content)
        labels[page.name] = label
    assert len(labels) == 28
    result = subprocess.run([*command, *sorted(tmp_path.glob("*.html"))], capture_output=True, text=True, timeout=600)
    assert result.stdout.strip(), f"The checker gave no report: {result.stderr}"
    problems = [
        f"{message.get('subType', message['type'])}: {labels.get(Path(message.get('url', '?')).name, '?')} "
        f"line {message.get('lastLine', '?')}: {message['message']}"
        for message in json.loads(result.stdout)["messages"]
        if message["type"] != "info" or message.get("subType") == "warning"
    ]
    assert not problems, "\n".join(problems)
