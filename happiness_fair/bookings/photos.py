"""Photos of a problem: only real JPEG or PNG images, re-encoded so that nothing but the pixels
is kept (no EXIF, so no GPS position of the resident's flat), and scaled for cheap phones."""

from __future__ import annotations

import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
# Sizes are read from the header (Image.open decodes nothing) and checked before any decoding.
MAX_PIXELS = 50_000_000  # JPEG: a 50-megapixel phone camera, decoded scaled down by draft()
MAX_PNG_PIXELS = 10_000_000  # PNG is decoded whole: 10 megapixels, 8 bits a channel at most
MAX_PNG_BIT_DEPTH = 8
MAX_SIDE = 2048
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotAPhoto(ValueError):
    """The upload is not a JPEG or PNG photo we accept; the message says why."""


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
    if kind == "PNG" and (pixels > MAX_PNG_PIXELS or _png_bit_depth(raw) > MAX_PNG_BIT_DEPTH):
        raise NotAPhoto(_l("This photo is too large."))


def clean_photo(raw: bytes) -> tuple[bytes, str]:
    """The photo re-encoded from its pixels alone, and its content type."""
    if len(raw) > MAX_BYTES:
        raise NotAPhoto(_l("A photo may be at most 5 MB."))
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
                    # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 50-megapixel photo never
                    # exists whole in memory, only at about twice the size kept.
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
