"""Drawn signatures: decode the signature pad's PNG data URL, check it, re-encode it.

The pad (``static/consent/signature.js``) posts ``data:image/png;base64,...``. Nothing of what
the browser sent is stored as is: the image is decoded, checked for size and for enough ink to be
a signature, flattened onto white and re-encoded, so the stored PNG holds pixels and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
# A 3x-density pad of 600x200 CSS pixels is 1800x600; its PNG is well under 200 KB.
MAX_PNG_BYTES = 512 * 1024
MAX_WIDTH, MAX_HEIGHT = 4000, 2000
MIN_WIDTH, MIN_HEIGHT = 100, 50
# "Ink" is a pixel darker than mid-grey once the image is flattened onto white.
INK_THRESHOLD = 128
MIN_INK_PIXELS = 100
# The strokes must span a tenth of the pad: a dot or a tap is not a signature.
MIN_INK_SPAN = 0.10
# A pad filled more than half with ink is not a signature either.
MAX_INK_FRACTION = 0.5


class SignatureRejected(ValueError):
    """The drawing cannot be stored as a signature; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def signature_png(data_url: str) -> bytes:
    """The signature re-encoded as a greyscale PNG, or ``SignatureRejected``.

    Cost: decoding at most ``MAX_WIDTH`` x ``MAX_HEIGHT`` pixels (8 MP) and one pass over them.
    """
    data_url = data_url.strip()
    if not data_url:
        raise SignatureRejected("is empty: draw the signature in the box, or choose a typed name.")
    if not data_url.startswith(DATA_URL_PREFIX):
        raise SignatureRejected(
            f"starts with {data_url[:30]!r}, not {DATA_URL_PREFIX!r}: it is not a PNG drawing."
        )
    encoded = data_url[len(DATA_URL_PREFIX) :]
    # base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    if len(encoded) > (MAX_PNG_BYTES * 4) // 3 + 4:
        raise SignatureRejected(f"is larger than {MAX_PNG_BYTES // 1024} KB.")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejected("is not valid base64 data.") from None
    image = _open_png(raw)
    flat = _flatten(image)
    _check_ink(flat)
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _open_png(raw: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw), formats=["PNG"])
            width, height = probe.size
            if not (MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT):
                raise SignatureRejected(
                    f"is {width}x{height} pixels; a signature pad is between "
                    f"{MIN_WIDTH}x{MIN_HEIGHT} and {MAX_WIDTH}x{MAX_HEIGHT}."
                )
            probe.verify()
            image = Image.open(io.BytesIO(raw), formats=["PNG"])
            image.load()
    except SignatureRejected:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise SignatureRejected("is not a readable PNG image.") from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Greyscale on a white background: transparent pixels become paper, strokes stay ink."""
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("L")


def _check_ink(flat: Image.Image) -> None:
    width, height = flat.size
    mask = flat.point(lambda value: 255 if value < INK_THRESHOLD else 0)
    histogram = mask.histogram()
    ink = histogram[255]
    if ink < MIN_INK_PIXELS:
        raise SignatureRejected(
            f"is blank ({ink} pixels drawn): the patient must sign in the box, "
            "or choose a typed name."
        )
    if ink > MAX_INK_FRACTION * width * height:
        raise SignatureRejected(
            f"covers {100 * ink // (width * height)}% of the box: that is not a signature; "
            "clear it and sign again."
        )
    box = mask.getbbox()
    if box is None or (box[2] - box[0]) < MIN_INK_SPAN * width:
        raise SignatureRejected(
            "is too small (a dot or a tap): the patient must sign across the box."
        )
