"""Photos on the insurance step, through the test client: a real photo is received (and never
shown back), a hostile or unusable file is refused with a message beside its field and a 400
while the rest of the step is kept, and a body far too large is refused before it is read."""

import io

import pillow_heif
import pytest
from PIL import Image

from packets import files
from packets.models import Packet, PacketImage

from . import test_pages_fixtures as shared
from .test_pages_fixtures import STEP_ANSWERS, jpeg_bytes, png_bytes, post_step, step_path, upload

booked, clinic_clock, path = shared.booked, shared.clinic_clock, shared.path

pytestmark = pytest.mark.django_db

NOT_A_PHOTO = "This file is not a photo we can use. Please choose a JPEG, PNG or iPhone (HEIC) photo."
# The limit as set (20,000 bytes below), in filesizeformat's words as the page's text reads them.
TOO_LARGE = "This file is larger than 19.5 KB. Please choose a smaller photo or take it again."


@pytest.fixture
def on_step_two(client, path):
    assert post_step(client, path, 1).status_code == 303
    return path


def post_photos(client, path, **photos):
    return client.post(step_path(path, 2), {**STEP_ANSWERS[2], "move": "next", **photos})


def error_beside(response, key):
    """The message shown in the field's own block (crispy-forms' invalid-feedback)."""
    from tests.page import Page

    block = Page(response).one("div", id=f"div_id_{key}")
    return " ".join(element.text for element in block.all(("span", "p", "div"), class_="invalid-feedback"))


def packet_of(appointment_request):
    return Packet.objects.get(appointment_request=appointment_request)


def heic_bytes():
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(out, "HEIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("card.jpg", jpeg_bytes(), "image/jpeg"),
        ("screenshot.png", png_bytes(), "image/png"),
        ("IMG_0001.HEIC", heic_bytes(), "image/heic"),
    ],
)
def test_a_photo_is_received_re_encoded_and_never_shown_back(client, on_step_two, booked, name, data, content_type):
    response = post_photos(client, on_step_two, card_front=upload(name, data, content_type))
    assert response.status_code == 303 and response["Location"] == step_path(on_step_two, 3)
    image = PacketImage.objects.get(packet__appointment_request=booked, key="card_front")
    stored = files.read(image.file_name)
    assert stored.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(stored)) as reopened:
        assert reopened.format == "JPEG" and not reopened.getexif()
    assert packet_of(booked).step == 2
    page = client.get(step_path(on_step_two, 2))
    html = page.content.decode()
    assert "Photo received." in html and "To replace it, choose another photo." in html
    assert "<img" not in html and "data:image" not in html


def test_a_second_photo_replaces_the_first(client, on_step_two, booked):
    post_photos(client, on_step_two, photo_id=upload("id.jpg", jpeg_bytes(color=(1, 2, 3))))
    first = PacketImage.objects.get(key="photo_id").file_name
    post_photos(client, on_step_two, photo_id=upload("id2.jpg", jpeg_bytes(size=(900, 600))))
    (image,) = PacketImage.objects.filter(key="photo_id")
    assert image.file_name != first and (image.width, image.height) == (900, 600)


def test_a_text_file_renamed_jpg_is_refused_beside_its_field_and_the_rest_is_kept(client, on_step_two, booked):
    response = post_photos(
        client,
        on_step_two,
        card_front=upload("card.jpg", b"Just some notes, not a picture at all.\n" * 20),
        card_back=upload("back.jpg", jpeg_bytes()),
        member_id="KEPT-123",
    )
    assert response.status_code == 400
    assert NOT_A_PHOTO in error_beside(response, "card_front")
    assert error_beside(response, "card_back") == ""
    packet = packet_of(booked)
    assert packet.read_answers()["member_id"] == "KEPT-123"
    assert list(PacketImage.objects.values_list("key", flat=True)) == ["card_back"]
    assert packet.step == 1, "the step is not done while a photo was refused"
    html = response.content.decode()
    assert "Photo received." in html, "the photo that was accepted says so at once"
    assert "Please check your answers" in html


def test_an_html_jpeg_polyglot_is_refused(client, on_step_two):
    polyglot = jpeg_bytes(size=(200, 100)) + b"<html><body><script>alert(document.cookie)</script></body></html>"
    response = post_photos(client, on_step_two, card_front=upload("card.jpg", polyglot))
    assert response.status_code == 400
    assert NOT_A_PHOTO in error_beside(response, "card_front")
    assert not PacketImage.objects.exists()
    assert "alert(document.cookie)" not in response.content.decode()


def test_a_photo_over_the_size_limit_is_refused_with_a_plain_message(client, on_step_two, settings, booked):
    settings.PACKET_UPLOAD_MAX_BYTES = 20_000
    large = jpeg_bytes(size=(1600, 1200))
    assert len(large) > 20_000
    response = post_photos(client, on_step_two, card_back=upload("big.jpg", large), group_number="G-77")
    assert response.status_code == 400
    assert TOO_LARGE in error_beside(response, "card_back")
    assert not PacketImage.objects.exists()
    assert packet_of(booked).read_answers()["group_number"] == "G-77"


def test_a_body_far_too_large_is_refused_before_it_is_read(client, on_step_two, settings, booked):
    settings.PACKET_UPLOAD_MAX_BYTES = 20_000
    answers_before = packet_of(booked).read_answers()
    huge = b"\xff\xd8\xff" + b"\0" * 2_000_000
    response = post_photos(client, on_step_two, card_front=upload("huge.jpg", huge), member_id="NOT-READ")
    assert response.status_code == 413
    html = response.content.decode()
    assert "What you sent is too large. Each photo may be up to 19.5\xa0KB" in html
    assert "no-store" in response["Cache-Control"]
    assert packet_of(booked).read_answers() == answers_before
    assert not PacketImage.objects.exists()


def test_a_text_only_step_takes_no_large_body(client, path, booked):
    response = client.post(step_path(path, 1), {**STEP_ANSWERS[1], "move": "next", "city": "x" * 600_000})
    assert response.status_code == 413
    assert not Packet.objects.exists()


def test_photos_never_reach_a_temporary_file(client, on_step_two, settings, monkeypatch):
    """Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file in clear; the
    packet keeps them in memory (bounded by PACKET_UPLOAD_MAX_BYTES) until they are encrypted."""
    from django.core.files import uploadedfile

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100

    def refuse(*args, **kwargs):
        raise AssertionError("a photo went to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", refuse)
    response = post_photos(client, on_step_two, card_front=upload("card.jpg", jpeg_bytes()))
    assert response.status_code == 303
    assert PacketImage.objects.filter(key="card_front").exists()
