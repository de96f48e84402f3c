"""The packet's images on disk: encrypted (encryption.py), under random names, in
PACKET_FILES_DIR, which no web server serves. Staff see them only through the admin
(admin.py), each view recorded.
"""

import os
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import encryption, images
from .models import PacketImage

FILE_NAME = re.compile(r"[0-9a-f]{32}")


def path_of(file_name):
    if not FILE_NAME.fullmatch(file_name):
        raise ValueError("not a packet file name")
    return settings.PACKET_FILES_DIR / file_name


def write(data):
    """Encrypt and write `data` under a new random name; returns the name."""
    directory = settings.PACKET_FILES_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    file_name = secrets.token_hex(16)
    descriptor = os.open(path_of(file_name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(encryption.encrypt(data))
    return file_name


def read(file_name):
    """The decrypted bytes (raises encryption.InvalidToken without a key that opens them)."""
    return encryption.decrypt(path_of(file_name).read_bytes())


def remove(file_name):
    path_of(file_name).unlink(missing_ok=True)


def rotate(file_name):
    """Encrypt the file again under the first key; written beside it, then moved over it."""
    path = path_of(file_name)
    fresh = path.with_suffix(".rotating")
    fresh.write_bytes(encryption.rotate(path.read_bytes()))
    fresh.chmod(0o600)
    os.replace(fresh, path)


def save_image(packet, key, upload):
    """Re-encode the upload (images.accept: raises images.Refused) and keep it as the packet's
    answer to question `key`, replacing an earlier photo. The file is removed again if the row
    cannot be saved, and the replaced file once the new row is committed."""
    accepted = images.accept(upload)
    file_name = write(accepted.jpeg)
    try:
        with transaction.atomic():
            previous = PacketImage.objects.select_for_update().filter(packet=packet, key=key).first()
            if previous is not None:
                previous.delete()
            return PacketImage.objects.create(
                packet=packet,
                key=key,
                file_name=file_name,
                width=accepted.width,
                height=accepted.height,
                size=len(accepted.jpeg),
            )
    except BaseException:
        remove(file_name)
        raise


@receiver(post_delete, sender=PacketImage, dispatch_uid="packets.remove_image_file")
def remove_file_with_row(sender, instance, **kwargs):
    """However the row goes (a new photo, the packet's purge, the request's), its file goes once
    the deletion is committed."""
    transaction.on_commit(lambda: remove(instance.file_name))
