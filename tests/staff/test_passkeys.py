"""Passkeys beside the code: who may start a ceremony, what a refused or abandoned passkey
costs, the names, the access record, and removal by the owner, a superuser or the command.
(Making and using a real passkey is in tests/browser/test_passkeys.py.)"""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp_webauthn.models import WebAuthnCredential

from staff.checks import passkeys_possible
from staff.models import AccessRecord
from staff.passkeys import PENDING_NAME, available, relying_party_id, site_origin
from tests.conftest import staff_login

from .authenticator import SoftwarePasskey
from .conftest import ADDRESS, PASSWORD, code_for, enter_code, sign_in

pytestmark = pytest.mark.django_db

BEGIN_SIGN_IN = "/admin/webauthn/authentication/begin/"
COMPLETE_SIGN_IN = "/admin/webauthn/authentication/complete/"
BEGIN_REGISTRATION = "/admin/webauthn/registration/begin/"
PAGE = "/admin/second-factor/passkeys/"
FACTORS = "/admin/second-factors/"


@pytest.fixture(autouse=True)
def https_site(settings):
    settings.SITE_URL = "https://clinic.example"


@pytest.fixture
def passkey(front_desk):
    return WebAuthnCredential.objects.create(
        user=front_desk, name="Front desk PC", credential_id=b"c" * 32, public_key=b"k" * 77, confirmed=True
    )


def post_json(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json", REMOTE_ADDR=ADDRESS)


def lines(username, action):
    records = AccessRecord.objects.filter(username=username, action=action).order_by("pk")
    return list(records.values_list("detail", flat=True))


# --- the relying party ----------------------------------------------------------------------


def test_the_relying_party_is_site_urls_host_and_origin(settings):
    settings.SITE_URL = "https://clinic.example:8443"
    assert relying_party_id() == "clinic.example"
    assert site_origin() == "https://clinic.example:8443"
    assert available()


@pytest.mark.parametrize(
    ("site_url", "possible"),
    [
        ("https://clinic.example", True),
        ("http://localhost:8000", True),
        ("http://staff.localhost:8000", True),
        ("http://127.0.0.1:8000", False),
        ("http://clinic.example", False),
    ],
)
def test_passkeys_are_offered_only_where_browsers_allow_them(settings, site_url, possible):
    settings.SITE_URL = site_url
    assert available() is possible
    assert (passkeys_possible(None) == []) is possible


def test_the_sign_in_ceremony_names_the_site_and_only_this_users_passkeys(client, phone, passkey):
    other = User.objects.create_user("other", password=PASSWORD, is_staff=True)
    WebAuthnCredential.objects.create(user=other, name="x", credential_id=b"o" * 32, public_key=b"k", confirmed=True)
    sign_in(client, "rosa.front")
    options = post_json(client, BEGIN_SIGN_IN).json()
    assert options["rpId"] == "clinic.example"
    assert len(options["allowCredentials"]) == 1


# --- who may start ------------------------------------------------------------------------


def test_without_the_password_no_ceremony_starts(client, passkey):
    for url in [BEGIN_SIGN_IN, COMPLETE_SIGN_IN]:
        response = post_json(client, url)
        assert response.status_code == 403, url
        assert response.json()["detail"] == "Sign in with your password first."
    assert post_json(client, BEGIN_REGISTRATION).status_code == 403


def test_a_passkey_is_added_only_by_a_verified_session_that_named_it(client, phone):
    sign_in(client, "rosa.front")
    # The password alone does not add a second factor.
    assert post_json(client, BEGIN_REGISTRATION).status_code == 403
    enter_code(client, code_for(phone))
    response = post_json(client, BEGIN_REGISTRATION)
    assert response.status_code == 400
    assert response.json()["detail"] == "Give the passkey a name first."
    assert client.post(PAGE, {"name": "  My   phone "}).status_code == 302
    assert client.session[PENDING_NAME] == "My phone"
    options = post_json(client, BEGIN_REGISTRATION).json()
    assert options["rp"] == {"name": "Clinic staff", "id": "clinic.example"}
    assert options["user"]["name"] == "rosa.front"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("Front desk PC", "You already have a passkey with this name"),
        ("front desk pc", "You already have a passkey with this name"),
        ("phone\u202egnp", "Use letters, numbers and spaces."),
        ("phone\x00", "Null characters are not allowed."),
        ("x" * 65, "Ensure this value has at most 64 characters"),
    ],
)
def test_a_bad_name_gets_a_message_and_a_400(client, passkey, name, message):
    staff_login(client, passkey.user)
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PENDING_NAME not in client.session


# --- refused and abandoned passkeys count like wrong codes ----------------------------------


def test_refused_passkeys_lock_the_account_like_wrong_codes(client, phone, passkey, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    sign_in(client, "rosa.front", password="wrong password")
    sign_in(client, "rosa.front")
    for _ in range(3):
        post_json(client, BEGIN_SIGN_IN)
        refused = post_json(client, COMPLETE_SIGN_IN, {"id": "bm90LWEta2V5", "rawId": "bm90LWEta2V5"})
        assert refused.status_code == 422
        assert refused.json()["detail"] == "That passkey was not accepted. Try again, or enter a code instead."
    # Malformed JSON is refused the same way, never a 500.
    post_json(client, BEGIN_SIGN_IN)
    malformed = client.post(COMPLETE_SIGN_IN, "{not json", content_type="application/json", REMOTE_ADDR=ADDRESS)
    assert malformed.status_code == 429  # the fifth failure
    assert lines("rosa.front", "code_failed") == ["passkey refused (invalid_json_structure)"] * 3 + [
        "passkey refused (malformed_request)"
    ]
    assert lines("rosa.front", "locked_out") == [""]
    # Locked: no further ceremony, and the right code does not help.
    assert post_json(client, BEGIN_SIGN_IN).status_code == 429
    assert enter_code(client, code_for(phone)).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_an_abandoned_passkey_counts_when_the_next_attempt_starts(client, phone, passkey):
    sign_in(client, "rosa.front")
    assert post_json(client, BEGIN_SIGN_IN).status_code == 200
    assert lines("rosa.front", "code_failed") == []
    # Cancelled in the browser (which tells nobody), then tried again.
    assert post_json(client, BEGIN_SIGN_IN).status_code == 200
    assert lines("rosa.front", "code_failed") == ["passkey not used (cancelled or timed out)"]
    # A completion without a started ceremony counts too.
    client.session.pop("otp_webauthn_authentication_state", None)
    assert post_json(client, COMPLETE_SIGN_IN).status_code == 422
    assert len(lines("rosa.front", "code_failed")) == 2


def test_the_code_step_offers_a_passkey_only_to_whoever_has_one(client, phone, passkey, settings):
    sign_in(client, "rosa.front")
    page = client.get("/admin/second-factor/").content.decode()
    assert 'id="passkey-verification-available-template"' in page
    assert '<script type="module" src="/static/django_otp_webauthn/otp_webauthn_auth.js">' in page
    # Its translations load before it runs ("defer", in order), not whenever ("async").
    assert '<script defer src="/admin/webauthn/jsi18n/">' in page
    assert 'type="application/json"' in page and "<script>" not in page
    passkey.delete()
    assert "passkey-verification" not in client.get("/admin/second-factor/").content.decode()
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert "passkey-verification" not in client.get("/admin/second-factor/").content.decode()


# --- removal --------------------------------------------------------------------------------


def test_the_owner_removes_a_passkey_but_not_a_colleagues(client, passkey):
    other = User.objects.create_user("other", password=PASSWORD, is_staff=True)
    theirs = WebAuthnCredential.objects.create(user=other, name="Back office", credential_id=b"o" * 32, public_key=b"k")
    staff_login(client, passkey.user)
    page = client.get(PAGE).content.decode()
    assert "Front desk PC" in page and "Back office" not in page
    response = client.post(PAGE, {"remove": "yes", "passkey": theirs.pk}, follow=True)
    assert "not one of yours" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    response = client.post(PAGE, {"remove": "yes", "passkey": "nonsense"}, follow=True)
    assert response.status_code == 200
    response = client.post(PAGE, {"remove": "yes", "passkey": passkey.pk}, follow=True)
    assert "Your passkey “Front desk PC” is removed." in response.content.decode()
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert lines("rosa.front", "devices_removed") == ["Passkey “Front desk PC” removed by its owner"]


def test_a_superuser_sees_each_colleagues_factors_without_secrets_and_removes_them(client, phone, passkey):
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    staff_login(client, boss)
    page = client.get(FACTORS).content.decode()
    assert "Authenticator app “Authenticator app”" in page
    assert "Passkey “Front desk PC”" in page
    assert phone.key not in page and passkey.credential_id_sha256 not in page
    response = client.post(FACTORS, {"device": passkey.persistent_id}, follow=True)
    assert "Passkey “Front desk PC” of rosa.front is removed." in response.content.decode()
    assert not WebAuthnCredential.objects.exists()
    assert lines("boss", "devices_removed") == ["Passkey “Front desk PC” of rosa.front"]
    # Anything else named is refused with a message, never a 500.
    for bad in ["", "auth.user/1", f"{passkey.persistent_id}", "otp_totp.totpdevice/x", "\x00"]:
        response = client.post(FACTORS, {"device": bad}, follow=True)
        assert response.status_code == 200
        assert "nothing was removed" in response.content.decode()


def test_only_a_superuser_sees_the_staff_factors(client, phone):
    staff_login(client, phone.user)
    assert client.get(FACTORS).status_code == 403
    assert client.post(FACTORS, {"device": phone.persistent_id}).status_code == 403
    assert phone.__class__.objects.filter(pk=phone.pk).exists()


def test_the_command_removes_passkeys_too(phone, passkey, capsys):
    call_command("remove_staff_devices", "rosa.front")
    assert "Removed 2 device(s)" in capsys.readouterr().out
    assert not WebAuthnCredential.objects.exists()


# --- another origin or relying party: refused by the server ----------------------------------


@pytest.fixture
def software_passkey(front_desk):
    key = SoftwarePasskey()
    WebAuthnCredential.objects.create(
        user=front_desk,
        name="Front desk PC",
        credential_id=key.credential_id,
        public_key=key.cose_public_key(),
        confirmed=True,
    )
    return key


@pytest.mark.parametrize(
    ("rp_id", "origin", "code"),
    [
        ("clinic.example", "https://clinic-login.example", "invalid_authentication_response"),
        ("clinic-login.example", "https://clinic.example", "invalid_authentication_response"),
        ("clinic.example", "http://clinic.example", "invalid_authentication_response"),
    ],
)
def test_an_answer_signed_for_another_origin_or_relying_party_is_refused(
    client, phone, software_passkey, rp_id, origin, code
):
    sign_in(client, "rosa.front")
    challenge = post_json(client, BEGIN_SIGN_IN).json()["challenge"]
    response = post_json(client, COMPLETE_SIGN_IN, software_passkey.assertion(challenge, rp_id, origin))
    assert response.status_code == 422
    assert client.get("/admin/").status_code == 302
    assert lines("rosa.front", "code_failed") == [f"passkey refused ({code})"]

    # The same passkey, signing for the real site, is let in (so only the address was wrong).
    challenge = post_json(client, BEGIN_SIGN_IN).json()["challenge"]
    answer = software_passkey.assertion(challenge, "clinic.example", "https://clinic.example")
    response = post_json(client, COMPLETE_SIGN_IN + "?next=/admin/appointments/", answer)
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/admin/appointments/"
    assert client.get("/admin/").status_code == 200
    assert lines("rosa.front", "verified") == ["passkey “Front desk PC”"]


def test_a_passkey_completes_the_sign_in_like_a_code(client, phone, software_passkey, settings):
    # Failures before it are forgotten, and the session key changes (session fixation).
    sign_in(client, "rosa.front", password="wrong password")
    sign_in(client, "rosa.front")
    before = client.session.session_key
    challenge = post_json(client, BEGIN_SIGN_IN).json()["challenge"]
    answer = software_passkey.assertion(challenge, "clinic.example", "https://clinic.example")
    response = post_json(client, COMPLETE_SIGN_IN, answer)
    assert response.json()["redirect_url"] == "/admin/"
    assert client.session.session_key != before
    assert not AccessAttempt.objects.filter(username="rosa.front").exists()
    # A replayed answer (same challenge, used up) is refused.
    replayed = post_json(client, COMPLETE_SIGN_IN, answer)
    assert replayed.status_code == 400
    assert replayed.json()["code"] == "invalid_state"


@pytest.mark.parametrize(
    "body",
    ["[]", '"x"', "null", '{"id": 1}', '{"id": "!!", "rawId": "!!", "type": "public-key", "response": {}}', "\x00"],
)
def test_nonsense_answers_get_a_4xx_never_a_500(client, phone, passkey, body):
    sign_in(client, "rosa.front")
    post_json(client, BEGIN_SIGN_IN)
    response = client.post(COMPLETE_SIGN_IN, body, content_type="application/json", REMOTE_ADDR=ADDRESS)
    assert 400 <= response.status_code < 500, (body, response.status_code)
    enter_code(client, code_for(phone))
    client.post(PAGE, {"name": "Spare key"})
    post_json(client, BEGIN_REGISTRATION)
    response = client.post(
        "/admin/webauthn/registration/complete/", body, content_type="application/json", REMOTE_ADDR=ADDRESS
    )
    assert 400 <= response.status_code < 500, (body, response.status_code)


def test_the_same_passkey_twice_is_refused_with_a_4xx(client, phone, software_passkey):
    staff_login(client, User.objects.get(username="rosa.front"))
    client.post(PAGE, {"name": "Again"})
    options = post_json(client, BEGIN_REGISTRATION).json()
    answer = software_passkey.attestation(options["challenge"], "clinic.example", "https://clinic.example")
    response = post_json(client, "/admin/webauthn/registration/complete/", answer)
    assert response.status_code == 409
    assert response.json()["detail"] == "This passkey is already registered."
    assert WebAuthnCredential.objects.count() == 1
