"""Encryption at rest for the packet's answers and images: Fernet (AES-128-CBC with an
HMAC-SHA256), with every key in PACKET_ENCRYPTION_KEYS able to decrypt and the first one
encrypting (MultiFernet). Rotation: put a new key first, run `manage.py rotate_packet_keys`,
then remove the old key (docs/staff-guide.md, "Keys").
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]


def keys():
    if not settings.PACKET_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("PACKET_ENCRYPTION_KEYS is not set (docs/configuration.md).")
    return MultiFernet([Fernet(key) for key in settings.PACKET_ENCRYPTION_KEYS])


def encrypt(data: bytes) -> bytes:
    return keys().encrypt(data)


def decrypt(token: bytes) -> bytes:
    """Raises InvalidToken when no configured key opens it."""
    return keys().decrypt(token)


def rotate(token: bytes) -> bytes:
    """The same plaintext under the first key (its original time kept)."""
    return keys().rotate(token)
