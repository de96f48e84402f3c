"""Photos from patients are hostile input. What is kept is never the file sent: it is decoded and
drawn again as a fresh JPEG of at most MAX_SIDE pixels a side, so no EXIF (location, device), no
comment and nothing appended survives.

Refused before decoding: a file over PACKET_UPLOAD_MAX_BYTES, one that does not start as a JPEG,
PNG or HEIC does (whatever its name says), and one with web markup in its metadata or after
its image data (a JPEG/HTML polyglot). Refused on opening, from the header alone: more than
MAX_PIXELS (a decompression bomb; Pillow's own guard is on as well, as an error). Anything
Pillow cannot decode is refused too. Every refusal says in plain words what to do.
"""

import io
import re
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_SIDE = 2000
# A 48-megapixel phone photo (8064 x 6048) is accepted; a 50,000-pixel-wide bomb is not.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG", "HEIF")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# Markup a browser would run. Long enough that compressed data (a motion photo's video after
# the JPEG) does not match by chance.
MARKUP = re.compile(rb"<(?:script|html|body|iframe|object|embed|svg|!doctype|\?php)[\s>/]", re.IGNORECASE)

TOO_LARGE = _("This file is larger than %(limit)s. Please choose a smaller photo or take it again.")
NOT_A_PHOTO = _("This file is not a photo we can use. Please choose a JPEG, PNG or iPhone (HEIC) photo.")
TOO_MANY_PIXELS = _("This picture is too large to open. Please take the photo again with your phone's camera.")


class Refused(Exception):
    """The upload is not kept; `message` says why, for the patient."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Accepted:
    jpeg: bytes
    width: int
    height: int


def accept(upload):
    """A fresh JPEG drawn from the uploaded file (Django's UploadedFile or any file object)."""
    size = getattr(upload, "size", None)
    limit = settings.PACKET_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise Refused(too_large())
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Refused(too_large())
    kind = signature(data)
    if kind is None or MARKUP.search(outside_image_data(kind, data)):
        raise Refused(NOT_A_PHOTO)
    return redraw(data)


def too_large():
    return TOO_LARGE % {"limit": filesizeformat(settings.PACKET_UPLOAD_MAX_BYTES)}


def signature(data):
    """What the file's first bytes say it is: "JPEG", "PNG", "HEIF" or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def outside_image_data(kind, data):
    """The bytes that are not compressed picture data: JPEG segments before the first scan and
    whatever follows the end marker; PNG chunks other than IDAT and whatever follows IEND. For
    HEIC the file is small and boxed: all of it."""
    if kind == "JPEG":
        return jpeg_metadata(data)
    if kind == "PNG":
        return png_metadata(data)
    return data


def jpeg_metadata(data):
    parts, i = [], 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            break  # malformed: Pillow decides
        marker = data[i + 1]
        if marker == 0xFF or marker == 0x01 or 0xD0 <= marker <= 0xD8:
            i += 2 if marker != 0xFF else 1
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        parts.append(data[i + 4 : i + 2 + length])
        if marker == 0xDA:  # start of scan: entropy-coded data holds no FF D9 before the end marker
            end = data.find(b"\xff\xd9", i + 2 + length)
            if end != -1:
                parts.append(data[end + 2 :])
            break
        i += 2 + length
    return b"".join(parts)


def png_metadata(data):
    parts, i = [], 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        chunk_type = data[i + 4 : i + 8]
        if chunk_type != b"IDAT":
            parts.append(data[i + 4 : i + 8 + length])
        i += 12 + length
        if chunk_type == b"IEND":
            parts.append(data[i:])
            break
    return b"".join(parts)


def redraw(data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refused(TOO_MANY_PIXELS)
                if image.format == "JPEG":
                    # Decode at 1/2, 1/4 or 1/8 scale when that still covers the size kept: a 12 MP
                    # photo then never occupies memory at full size.
                    scale = min(1, MAX_SIDE / max(width, height))
                    image.draft("RGB", (round(width * scale), round(height * scale)))
                ImageOps.exif_transpose(image, in_place=True)
                image = flatten(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise Refused(NOT_A_PHOTO) from None
    return Accepted(out.getvalue(), image.width, image.height)


def flatten(image):
    """RGB, with any transparency on white (a PNG screenshot of a card)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")
