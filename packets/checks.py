"""`check --deploy`: the packet cannot be stored without its encryption keys."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_keys(app_configs, **kwargs):
    keys = settings.PACKET_ENCRYPTION_KEYS
    if not keys:
        return [
            Error(
                "PACKET_ENCRYPTION_KEYS is not set: patients' packets cannot be stored.",
                hint="Generate one with `manage.py rotate_packet_keys --new-key` (docs/configuration.md).",
                id="packets.E001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            errors.append(
                Error(
                    f"Key {position} of PACKET_ENCRYPTION_KEYS is not a Fernet key.",
                    hint="A Fernet key is 32 bytes in URL-safe base64 (44 characters).",
                    id="packets.E002",
                )
            )
    return errors
