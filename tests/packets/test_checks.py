"""`check --deploy` refuses a server that could not keep packets encrypted (packets/checks.py)."""

from cryptography.fernet import Fernet

from packets.checks import encryption_keys


def ids(settings, keys):
    settings.PACKET_ENCRYPTION_KEYS = keys
    return [error.id for error in encryption_keys(None)]


def test_no_key_is_an_error(settings):
    assert ids(settings, []) == ["packets.E001"]


def test_a_placeholder_or_mangled_key_is_an_error(settings):
    assert ids(settings, ["CHANGE-ME"]) == ["packets.E002"]
    assert ids(settings, [Fernet.generate_key().decode(), Fernet.generate_key().decode()[:-2]]) == ["packets.E002"]


def test_real_keys_pass_while_rotating(settings):
    assert ids(settings, [Fernet.generate_key().decode(), Fernet.generate_key().decode()]) == []
