"""Uploads are hostile input (packets/images.py, files.py): what is stored is a fresh JPEG without
EXIF or anything appended, encrypted on disk; everything else is refused with a message for the
patient, never an exception of any other kind."""

import io
import struct
import zlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from locations.models import Location
from packets import files, images
from packets.models import Packet, PacketImage
from tests.factories import make_request

GPS_IFD = 0x8825
MAKE, ORIENTATION = 0x010F, 0x0112
ROTATED_RIGHT = 6  # EXIF: the camera was turned; the picture must be turned to be upright


def jpeg(size=(800, 600), color="navy", exif=None, quality=90):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
    return out.getvalue()


def phone_exif(orientation=1):
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 24.0)})
    return exif


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(data, **kwargs):
    with pytest.raises(images.Refused) as refused:
        images.accept(upload(data, **kwargs))
    return refused.value.message


def outcome(data):
    """Accepted or Refused; any other exception fails the test."""
    try:
        return images.accept(io.BytesIO(data))
    except images.Refused as refused:
        return refused


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# --- What is kept ----------------------------------------------------------------------------


def test_a_phone_photo_is_redrawn_without_exif_and_upright():
    original = jpeg((1200, 800), exif=phone_exif(ROTATED_RIGHT))
    assert b"PhoneMaker" in original

    accepted = images.accept(upload(original))

    stored = Image.open(io.BytesIO(accepted.jpeg))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"PhoneMaker" not in accepted.jpeg and b"Exif" not in accepted.jpeg
    # Turned as the camera said: the 1200 x 800 picture stands 800 wide, 1200 high.
    assert (accepted.width, accepted.height) == stored.size == (800, 1200)


def test_a_large_photo_is_scaled_to_at_most_2000_pixels_a_side():
    accepted = images.accept(upload(jpeg((4000, 3000))))
    assert (accepted.width, accepted.height) == (2000, 1500)
    assert Image.open(io.BytesIO(accepted.jpeg)).size == (2000, 1500)


def test_a_png_screenshot_with_transparency_becomes_a_jpeg_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (255, 0, 0, 0)).save(out, "PNG")
    accepted = images.accept(upload(out.getvalue(), name="card.png", content_type="image/png"))
    stored = Image.open(io.BytesIO(accepted.jpeg))
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert all(channel > 245 for channel in stored.getpixel((150, 100)))


def test_an_iphone_heic_photo_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(out, format="HEIF")
    accepted = images.accept(upload(out.getvalue(), name="IMG_0001.HEIC", content_type="image/heic"))
    assert Image.open(io.BytesIO(accepted.jpeg)).format == "JPEG"
    assert (accepted.width, accepted.height) == (640, 480)


def test_bytes_after_the_picture_without_markup_are_dropped():
    # A motion photo carries a video after the JPEG's end: the picture is kept, the rest is not.
    trailer = bytes(range(256)) * 40
    accepted = images.accept(upload(jpeg() + trailer))
    assert trailer not in accepted.jpeg


# --- What is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,name",
    [
        (b"Dear doctor, my legs hurt.\n", "notes.jpg"),
        (b"<html><body><script>alert(document.cookie)</script></body></html>", "card.jpg"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "insurance.jpg"),
        (b"GIF89a" + b"\x00" * 100, "card.gif"),
        (b"", "empty.jpg"),
    ],
    ids=["text renamed .jpg", "html renamed .jpg", "pdf renamed .jpg", "gif", "empty"],
)
def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(data, name):
    assert refusal(data, name=name) == images.NOT_A_PHOTO


def test_a_gif_is_refused_even_as_a_real_image():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    assert refusal(out.getvalue(), name="card.gif") == images.NOT_A_PHOTO


@pytest.mark.parametrize(
    "polyglot",
    [
        jpeg() + b"<html><script>alert(1)</script></html>",
        # The markup in a comment segment right after the start marker: a valid JPEG and an HTML page.
        b"\xff\xd8\xff\xfe\x00\x2a<html><script>alert(1)</script></html>\n" + jpeg()[2:],
    ],
    ids=["appended", "in a comment"],
)
def test_a_jpeg_html_polyglot_is_refused(polyglot):
    assert Image.open(io.BytesIO(polyglot)).format == "JPEG"  # a real picture too
    assert refusal(polyglot) == images.NOT_A_PHOTO


def test_a_png_carrying_a_script_in_a_text_chunk_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    data = out.getvalue()
    hostile = data[:33] + png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>") + data[33:]
    assert Image.open(io.BytesIO(hostile)).size == (20, 20)
    assert refusal(hostile, name="card.png") == images.NOT_A_PHOTO


def test_a_decompression_bomb_is_refused_from_its_header():
    # 50,000 x 5,000 pixels (250 megapixels, 750 MB decoded) in a file of a few hundred KB.
    out = io.BytesIO()
    Image.new("1", (50_000, 5_000)).save(out, "PNG")
    assert len(out.getvalue()) < 1_000_000
    assert refusal(out.getvalue(), name="bomb.png") == images.TOO_MANY_PIXELS


def test_a_jpeg_claiming_huge_dimensions_is_refused():
    data = bytearray(jpeg((64, 48)))
    start_of_frame = data.index(b"\xff\xc0")
    data[start_of_frame + 5 : start_of_frame + 9] = struct.pack(">HH", 60_000, 60_000)
    assert refusal(bytes(data)) == images.TOO_MANY_PIXELS


def test_a_truncated_photo_is_refused():
    assert refusal(jpeg((800, 600))[:400]) == images.NOT_A_PHOTO


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.PACKET_UPLOAD_MAX_BYTES = 1_000
    photo = jpeg((400, 300), quality=100)
    assert len(photo) > 1_000
    assert refusal(photo) == "This file is larger than 1000\xa0bytes. Please choose a smaller photo or take it again."
    # Without a size to trust (a plain file object), the bytes read are counted.
    with pytest.raises(images.Refused) as refused:
        images.accept(io.BytesIO(photo))
    assert refused.value.message == images.too_large()


def test_the_size_limit_is_said_in_megabytes(settings):
    assert str(images.too_large()).startswith("This file is larger than 10.0\xa0MB.")


@given(st.binary(max_size=2_000))
def test_any_bytes_at_all_are_accepted_or_refused_never_an_error(data):
    for prefix in (b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"):
        assert isinstance(outcome(prefix + data), images.Accepted | images.Refused)


@given(st.integers(min_value=2, max_value=3_000), st.binary(min_size=1, max_size=8))
def test_a_damaged_photo_is_accepted_or_refused_never_an_error(position, damage):
    photo = jpeg((120, 90))
    damaged = photo[:position] + damage + photo[position + len(damage) :]
    assert isinstance(outcome(damaged), images.Accepted | images.Refused)


# --- How it is stored ----------------------------------------------------------------------------


@pytest.fixture
def packet(db):
    office = Location.objects.order_by("pk").first()
    return Packet.objects.create(appointment_request=make_request(office), language="en")


def test_the_stored_file_is_encrypted_and_unreadable_without_the_key(packet, settings):
    stored = files.save_image(packet, "card_front", upload(jpeg(exif=phone_exif())))

    on_disk = files.path_of(stored.file_name).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8")
    assert b"PhoneMaker" not in on_disk and b"JFIF" not in on_disk
    assert oct(files.path_of(stored.file_name).stat().st_mode & 0o777) == "0o600"
    decrypted = files.read(stored.file_name)
    assert Image.open(io.BytesIO(decrypted)).size == (stored.width, stored.height) == (800, 600)

    settings.PACKET_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        files.read(stored.file_name)


def test_the_stored_file_has_a_random_name_in_the_packet_folder(packet, settings):
    stored = files.save_image(packet, "card_front", upload(jpeg(), name="../../etc/passwd.jpg"))
    assert files.FILE_NAME.fullmatch(stored.file_name)
    assert files.path_of(stored.file_name).parent == settings.PACKET_FILES_DIR
    with pytest.raises(ValueError):
        files.path_of("../settings.py")


def test_a_refused_upload_leaves_no_row_and_no_file(packet, settings):
    with pytest.raises(images.Refused):
        files.save_image(packet, "card_front", upload(b"<html></html>"))
    assert not PacketImage.objects.exists()
    assert not settings.PACKET_FILES_DIR.exists() or not any(settings.PACKET_FILES_DIR.iterdir())


def test_a_new_photo_replaces_the_old_one_and_its_file(packet, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = files.save_image(packet, "card_front", upload(jpeg(color="red")))
    with django_capture_on_commit_callbacks(execute=True):
        second = files.save_image(packet, "card_front", upload(jpeg(color="blue")))
    assert list(PacketImage.objects.values_list("file_name", flat=True)) == [second.file_name]
    assert not files.path_of(first.file_name).exists()
    assert files.path_of(second.file_name).exists()


def test_the_files_go_with_the_request_when_it_is_purged(packet, django_capture_on_commit_callbacks):
    stored = files.save_image(packet, "photo_id", upload(jpeg()))
    with django_capture_on_commit_callbacks(execute=True):
        packet.appointment_request.delete()
    assert not PacketImage.objects.exists()
    assert not files.path_of(stored.file_name).exists()


def test_answers_are_stored_encrypted(packet):
    packet.write_answers({"allergies": "Penicillin and latex", "symptoms": ["aching"]})
    packet.save()
    raw = bytes(Packet.objects.values_list("answers_encrypted", flat=True).get(pk=packet.pk))
    assert b"Penicillin" not in raw and b"aching" not in raw
    assert Packet.objects.get(pk=packet.pk).read_answers() == {
        "allergies": "Penicillin and latex",
        "symptoms": ["aching"],
    }
