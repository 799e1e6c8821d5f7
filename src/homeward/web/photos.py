"""Photos of children: checked, re-encoded without metadata (EXIF, GPS, XMP), bounded.

A phone photo carries the place and time it was taken and the camera's serial number;
for a child in care that can reveal where the child lives. Re-encoding from the pixels
alone drops every metadata block.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PhotoError(ValueError):
    """The upload is not an acceptable photo."""


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo's pixels only, upright and at most MAX_SIDE pixels, and its media type."""
    if not data:
        raise PhotoError("the photo is empty")
    if len(data) > MAX_BYTES:
        raise PhotoError(f"the photo is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoError(f"photo format {image.format} is not accepted; use JPEG, PNG "
                                 "or WebP")
            fmt = image.format
            image.load()
            upright = ImageOps.exif_transpose(image)
            pixels = upright.convert("RGB" if fmt == "JPEG" else "RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise PhotoError(f"not a readable image: {error}") from None
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format=fmt)
    return out.getvalue(), FORMATS[fmt]
