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
# Pixels are what decoding costs (4 bytes each once converted), not bytes on the wire: an
# 11,000 x 11,000 PNG of 118 KB decodes to over a gigabyte. Staff uploads may be large
# scans; an anonymous tip's photo is at most a phone photo (12 MP, 4032 x 3024).
MAX_PIXELS = 50_000_000
ANONYMOUS_MAX_PIXELS = 16_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PhotoError(ValueError):
    """The upload is not an acceptable photo."""


def clean_photo(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[bytes, str]:
    """The photo's pixels only, upright and at most MAX_SIDE pixels, and its media type.

    The size in the header is checked against ``max_pixels`` before any pixel is decoded.
    """
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
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoError(f"the photo has {width} x {height} pixels; at most "
                                 f"{max_pixels // 1_000_000} million are accepted")
            if fmt == "JPEG":  # decode at the smallest scale still larger than MAX_SIDE
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
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
