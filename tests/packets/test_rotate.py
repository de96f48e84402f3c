"""`rotate_packet_keys`: with a new key put first, every packet's answers and photo files are
encrypted again under it, so the old key can go; `--new-key` prints a key to put first."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError

from packets import files
from packets.models import Packet, PacketImage

from .staff_packets import ANSWERS, booked_request, make_packet

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_packet_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def packets(settings, medical_center):
    settings.PACKET_ENCRYPTION_KEYS = [OLD]
    made = [make_packet(booked_request(medical_center)) for _ in range(2)]
    photos = {image.file_name: files.read(image.file_name) for image in PacketImage.objects.all()}
    return made, photos


def test_after_rotation_the_new_key_alone_opens_everything(settings, packets):
    made, photos = packets
    updated = {packet.pk: packet.updated_at for packet in Packet.objects.all()}
    settings.PACKET_ENCRYPTION_KEYS = [NEW, OLD]
    assert rotate() == "Re-encrypted 2 packet(s)' answers and 6 photo(s) under the first key.\n"

    settings.PACKET_ENCRYPTION_KEYS = [NEW]
    for packet in Packet.objects.all():
        assert packet.read_answers() == ANSWERS
        assert packet.updated_at == updated[packet.pk]
    for file_name, data in photos.items():
        assert files.read(file_name) == data

    settings.PACKET_ENCRYPTION_KEYS = [OLD]
    with pytest.raises(InvalidToken):
        Packet.objects.first().read_answers()
    with pytest.raises(InvalidToken):
        files.read(next(iter(photos)))


def test_the_stored_files_are_not_readable_without_the_key(settings, packets):
    _made, photos = packets
    for file_name, data in photos.items():
        on_disk = files.path_of(file_name).read_bytes()
        assert data not in on_disk and not on_disk.startswith(b"\xff\xd8")
        assert (files.path_of(file_name).stat().st_mode & 0o777) == 0o600
    settings.PACKET_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(InvalidToken):
        files.read(next(iter(photos)))


def test_without_the_old_key_the_command_says_what_it_could_not_open(settings, packets):
    settings.PACKET_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="2 packet\\(s\\)' answers and 6 photo\\(s\\) open with none of the keys"):
        rotate()
    settings.PACKET_ENCRYPTION_KEYS = [OLD]
    assert Packet.objects.first().read_answers() == ANSWERS  # left as they were


def test_a_photo_file_gone_from_disk_is_counted_not_fatal(settings, packets):
    _made, photos = packets
    files.remove(next(iter(photos)))
    settings.PACKET_ENCRYPTION_KEYS = [NEW, OLD]
    assert "5 photo(s) under the first key; 1 photo file(s) no longer on disk." in rotate()


def test_new_key_prints_a_fernet_key_and_changes_nothing(settings, packets):
    before = bytes(Packet.objects.first().answers_encrypted)
    key = rotate("--new-key").strip()
    Fernet(key)  # a valid key, or this raises
    assert len(key) == 44
    assert bytes(Packet.objects.first().answers_encrypted) == before
