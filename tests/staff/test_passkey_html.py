"""The staff pages passkeys add are valid HTML too (the package's <template> and json_script
blocks included), by the same Nu Html Checker as the patients' pages."""

import json
import subprocess

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from tests.conftest import staff_login
from tests.html_checker.test_valid_html import checker_command

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def staff_pages(settings, front_desk, phone):
    settings.SITE_URL = "https://clinic.example"
    WebAuthnCredential.objects.create(
        user=front_desk, name="Front desk PC", credential_id=b"c" * 32, public_key=b"k", confirmed=True
    )
    signing_in = Client()
    sign_in(signing_in, front_desk.username)
    yield "the code step with a passkey", signing_in.get("/admin/second-factor/")
    own = staff_login(Client(), front_desk)
    yield "passkeys", own.get("/admin/second-factor/passkeys/")
    yield "passkeys, a bad name", own.post("/admin/second-factor/passkeys/", {"name": ""})
    own.post("/admin/second-factor/passkeys/", {"name": "My phone"})
    yield "passkeys, ready to make one", own.get("/admin/second-factor/passkeys/")
    boss = staff_login(Client(), User.objects.create_superuser("boss", password=PASSWORD))
    yield "staff second factors", boss.get("/admin/second-factors/")


def test_the_passkey_pages_are_valid_html(settings, front_desk, phone, tmp_path):
    command = checker_command()
    labels = {}
    for label, response in staff_pages(settings, front_desk, phone):
        assert response.status_code in {200, 400}, label
        page = tmp_path / f"{len(labels):03}.html"
        page.write_bytes(response.content)
        labels[page.name] = label
    result = subprocess.run([*command, *sorted(tmp_path.glob("*.html"))], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    problems = [
        f"{labels[message['url'].rsplit('/', 1)[-1]]}: {message['message']}"
        for message in report["messages"]
        if message["type"] != "info"
    ]
    assert problems == []
