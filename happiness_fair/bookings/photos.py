"""Photos of a problem: only real JPEG or PNG images, re-encoded so that nothing but the pixels
is kept (no EXIF, so no GPS position of the resident's flat), and scaled for cheap phones;
up to three on a booking, shown only to those who may see them."""

from __future__ import annotations

import io
import re
import warnings
from typing import NamedTuple

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy.orm import undefer

from ..accounts.models import User
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from . import access, reading
from .models import MAX_PHOTOS, Booking, BookingPhoto

# An ordinary phone photo is 3-8 MB; it is scaled down to MAX_SIDE and re-encoded anyway.
MAX_BYTES = 10 * 1024 * 1024
# Sizes are read from the header (Image.open decodes nothing) and checked before any decoding.
MAX_PIXELS = 50_000_000  # JPEG: a 50-megapixel phone camera, decoded scaled down by draft()
MAX_PNG_PIXELS = 10_000_000  # PNG is decoded whole: 10 megapixels, 8 bits a channel at most
MAX_PNG_BIT_DEPTH = 8
MAX_SIDE = 2048
# A page's form may bring more photos than it takes, or one too large: up to this size its body is
# read (files spool to disk), so the form comes back with her text kept and a message by the photo
# field instead of a bare "too large" page. The API and other pages keep MAX_CONTENT_LENGTH.
FORM_BODY_LIMIT = 64 * 1024 * 1024
# libjpeg decodes every scan of a progressive JPEG over the whole image, whatever the draft()
# scale, so the work grows with the number of scans (a 75-byte refinement scan costs ~65 ms on a
# 50-megapixel photo). Cameras and libjpeg's own progressive script write 10 scans for a colour
# photo (6 grey, 18 CMYK); mozjpeg's optimised scripts stay under 20. 32 leaves room for odd
# encoders and caps the decoding of the largest photo we accept at a couple of seconds.
MAX_SCANS = 32
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotAPhoto(ValueError):
    """The upload is not a JPEG or PNG photo we accept; the message says why."""


class CleanPhoto(NamedTuple):
    """A photo re-encoded from its pixels alone, ready to store."""

    data: bytes
    content_type: str


# The next marker after a scan's entropy-coded data: 0xFF followed by anything but a stuffed
# zero, a restart marker or another fill byte.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_scans(raw: bytes) -> int:
    """How many scans (SOS segments) a JPEG holds, from its segment lengths: nothing is decoded.

    Stops counting past MAX_SCANS; a malformed file is left for Pillow to refuse."""
    scans, i, n = 0, 2, len(raw)
    while i + 4 <= n and scans <= MAX_SCANS:
        if raw[i] != 0xFF:
            break
        marker = raw[i + 1]
        if marker == 0xFF:  # a fill byte before the marker
            i += 1
            continue
        if marker == 0xD9:  # end of image
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        length = int.from_bytes(raw[i + 2 : i + 4], "big")
        if length < 2:
            break
        i += 2 + length
        if marker == 0xDA:
            scans += 1
            found = _NEXT_MARKER.search(raw, i)
            if found is None:
                break
            i = found.start()
    return scans


def _png_bit_depth(raw: bytes) -> int:
    """Bits per channel from the PNG's IHDR chunk, which the format puts first (byte 24)."""
    if raw[:8] != PNG_SIGNATURE or raw[12:16] != b"IHDR" or len(raw) < 25:
        raise NotAPhoto(_l("Choose a JPEG or PNG photo."))
    return raw[24]


def _check_size(image: Image.Image, kind: str, raw: bytes) -> None:
    """Refuse an image bomb from its header: no pixel has been decoded yet."""
    pixels = image.width * image.height
    if kind == "JPEG" and pixels > MAX_PIXELS:
        raise NotAPhoto(_l("This photo is too large."))
    if kind == "JPEG" and _jpeg_scans(raw) > MAX_SCANS:
        raise NotAPhoto(_l("This photo is saved in too many layers. Please choose another one."))
    if kind == "PNG" and (pixels > MAX_PNG_PIXELS or _png_bit_depth(raw) > MAX_PNG_BIT_DEPTH):
        raise NotAPhoto(_l("This photo is too large."))


def clean_photo(raw: bytes) -> tuple[bytes, str]:
    """The photo re-encoded from its pixels alone, and its content type."""
    if len(raw) > MAX_BYTES:
        raise NotAPhoto(_l("This photo is too large. Please choose another one."))
    if not raw:
        raise NotAPhoto(_l("Choose a JPEG or PNG photo."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=tuple(FORMATS)) as image:
                kind = image.format
                if kind not in FORMATS:
                    raise NotAPhoto(_l("Choose a JPEG or PNG photo."))
                _check_size(image, kind, raw)
                if kind == "JPEG":
                    # libjpeg decodes at 1/2, 1/4 or 1/8 scale: the pixels of a baseline
                    # 50-megapixel photo never exist whole in memory. A progressive one still
                    # needs its whole coefficient buffer (docs/SECURITY.md has the numbers).
                    image.draft(None, (MAX_SIDE, MAX_SIDE))
                upright = ImageOps.exif_transpose(image)  # keep it the right way up
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                mode = "RGBA" if kind == "PNG" and has_alpha else "RGB"
                pixels = upright.convert(mode)
                # A new image from raw pixels carries no metadata at all.
                clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except NotAPhoto:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise NotAPhoto(_l("Choose a JPEG or PNG photo.")) from exc
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue(), FORMATS[kind]


def clean_uploads(raws: list[bytes], field: str = "photo") -> list[CleanPhoto]:
    """Check, decode and re-encode uploaded photos before the request writes anything.

    The request's transaction so far holds only reads (signing in, the form's look-ups). It ends
    here, so that no database lock (SQLite begins a writing request IMMEDIATE) is held while the
    images are decoded; the writes that follow begin a new one. A bad photo is a 422 on `field`."""
    if not raws:
        return []
    db.session.commit()
    cleaned = []
    for raw in raws:
        try:
            cleaned.append(CleanPhoto(*clean_photo(raw)))
        except NotAPhoto as exc:
            raise ValidationFailed(fields={field: [str(exc)]}) from exc
    return cleaned


def photo_form_body(*endpoints: str):
    """A blueprint's url_value_preprocessor that lets its photo forms' bodies reach FORM_BODY_LIMIT
    (it runs before the rate limiter reads the files)."""

    def _raise_limit(endpoint, values):
        if endpoint in endpoints and request.method == "POST":
            request.max_content_length = FORM_BODY_LIMIT

    return _raise_limit


# --- a booking's photos ------------------------------------------------------------------


def add_photo(user: User, booking_id: int, photo: CleanPhoto) -> BookingPhoto:
    """Up to three photos of the problem, cleaned (no location data) by photos.clean_uploads."""
    viewer = access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    if not access.relations(viewer, booking) & access.PEOPLE:
        raise Forbidden(_l("Only the people asking for help add photos."))
    if booking.status not in access.PHOTO_STATUSES:
        raise access.state_conflict(booking, "photo")
    if booking.photo_count >= MAX_PHOTOS:
        raise Conflict(_l("A booking has at most 3 photos."))
    claimed = db.session.execute(
        sa.update(Booking)
        .where(
            Booking.id == booking.id,
            Booking.photo_count < MAX_PHOTOS,
            Booking.status.in_(access.PHOTO_STATUSES),
        )
        .values(photo_count=Booking.photo_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_l("A booking has at most 3 photos."))
    stored = BookingPhoto(
        booking_id=booking.id,
        uploaded_by_id=user.id,
        content_type=photo.content_type,
        data=photo.data,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def photo_for(user: User, booking_id: int, photo_id: int) -> BookingPhoto:
    """A photo, only to those who may see the booking's photos (404 to everyone else)."""
    viewer = access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    if not access.sees_photos(viewer, booking):
        raise NotFound()
    photo = db.session.execute(
        sa.select(BookingPhoto)
        .where(BookingPhoto.id == photo_id, BookingPhoto.booking_id == booking.id)
        .options(undefer(BookingPhoto.data))
    ).scalar_one_or_none()
    if photo is None:
        raise NotFound()
    return photo
