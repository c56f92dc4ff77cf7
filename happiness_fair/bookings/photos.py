"""Photos of a problem: only real JPEG or PNG images, re-encoded so that nothing but the pixels
is kept (no EXIF, so no GPS position of the resident's flat), and scaled for cheap phones."""

from __future__ import annotations

import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel phone camera; larger is refused before decoding
MAX_SIDE = 2048
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class NotAPhoto(ValueError):
    """The upload is not a JPEG or PNG photo we accept; the message says why."""


def clean_photo(raw: bytes) -> tuple[bytes, str]:
    """The photo re-encoded from its pixels alone, and its content type."""
    if len(raw) > MAX_BYTES:
        raise NotAPhoto(_l("A photo may be at most 5 MB."))
    if not raw:
        raise NotAPhoto(_l("Choose a JPEG or PNG photo."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                kind = image.format
                if kind not in FORMATS:
                    raise NotAPhoto(_l("Choose a JPEG or PNG photo."))
                if image.width * image.height > MAX_PIXELS:
                    raise NotAPhoto(_l("This photo is too large."))
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
