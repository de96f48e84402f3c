"""Encrypt every packet's answers and photos again under the first key of PACKET_ENCRYPTION_KEYS.

Rotating a key (docs/staff-guide.md, "Keys"): put a new key first and keep the old one after it,
restart the site, run this, then remove the old key and restart again. Until this has run,
the old key is still needed: a packet it encrypted opens with no other.
"""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from packets import encryption, files
from packets.models import Packet, PacketImage


class Command(BaseCommand):
    help = "Re-encrypt every packet's answers and photos under the first PACKET_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="Only print a new key to put first in PACKET_ENCRYPTION_KEYS."
        )

    def handle(self, *args, new_key=False, **options):
        if new_key:
            self.stdout.write(Fernet.generate_key().decode())
            return
        encryption.keys()  # no keys at all: stop here, with the setting's name
        answers, unreadable = self.rotate_answers()
        photos, missing, unreadable_photos = self.rotate_photos()
        self.stdout.write(
            f"Re-encrypted {answers} packet(s)' answers and {photos} photo(s) under the first key"
            + (f"; {missing} photo file(s) no longer on disk" if missing else "")
            + "."
        )
        if unreadable or unreadable_photos:
            raise CommandError(
                f"{unreadable} packet(s)' answers and {unreadable_photos} photo(s) open with none of the keys "
                "set: put back the key they were encrypted with (after the new one) and run this again."
            )

    def rotate_answers(self):
        rotated = unreadable = 0
        for pk in Packet.objects.exclude(answers_encrypted=b"").values_list("pk", flat=True):
            # Under the row's lock: a patient saving meanwhile waits, and is not written over.
            with transaction.atomic():
                token = Packet.objects.select_for_update().filter(pk=pk).values_list("answers_encrypted", flat=True)
                token = bytes(token.first() or b"")
                if not token:
                    continue
                try:
                    fresh = encryption.rotate(token)
                except encryption.InvalidToken:
                    unreadable += 1
                    continue
                # update(), not save(): the packet's "updated" time stays the patient's.
                Packet.objects.filter(pk=pk).update(answers_encrypted=fresh)
                rotated += 1
        return rotated, unreadable

    def rotate_photos(self):
        rotated = missing = unreadable = 0
        for file_name in PacketImage.objects.values_list("file_name", flat=True):
            try:
                files.rotate(file_name)
            except FileNotFoundError:
                missing += 1  # replaced or purged meanwhile, or not restored (photos are in no backup)
            except encryption.InvalidToken:
                unreadable += 1
            else:
                rotated += 1
        return rotated, missing, unreadable
