"""Turn an uploaded file into a clean JPEG, or refuse it with a message naming the file.

Steps, each a defence against a known attack on image uploads:
1. Read at most ``max_bytes`` + 1 bytes: an oversized upload is refused without reading it all.
2. Identify the format from the bytes, with Pillow limited to JPEG and PNG (``formats=``): the
   name and the client's content type are ignored, and no other decoder (TIFF, FITS, PSD...)
   ever sees the data.
3. Read the dimensions from the header and refuse more than ``max_pixels`` before decoding
   anything (decompression bombs); Pillow's own ``Image.MAX_IMAGE_PIXELS`` still applies, its
   warning treated as an error.
4. ``verify()`` on a first opening (checksums, structure), then decode a second opening.
5. Apply the EXIF orientation, flatten transparency onto white, convert to RGB and encode a new
   JPEG (quality 90) from the pixels alone: no EXIF, GPS, ICC profile, comments or text chunks,
   and nothing appended after the image (polyglots) survives.

Dropping the ICC profile can shift colours slightly on wide-gamut camera photos; parsing
untrusted profiles with a colour engine would widen the attack surface for little clinical gain.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG")
JPEG_QUALITY = 90
THUMBNAIL_BOX = (480, 480)
THUMBNAIL_QUALITY = 80
READ_CHUNK = 1024 * 1024


class ImageRejected(ValueError):
    """The upload is not a photo that can be stored; ``message`` names the file and says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CleanImage:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    source_format: str


def read_limited(stream: IO[bytes], *, name: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of ``stream``; ``ImageRejected`` if it holds more or nothing."""
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = stream.read(min(READ_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        raise ImageRejected(
            f"{name!r} is larger than the limit of {_megabytes(max_bytes)}: "
            "export it at a lower resolution or quality."
        )
    if total == 0:
        raise ImageRejected(f"{name!r} is empty (0 bytes): choose the photo again.")
    return b"".join(chunks)


def clean_image(data: bytes, *, name: str, max_pixels: int) -> CleanImage:
    """``data`` decoded and re-encoded as a metadata-free JPEG, with a thumbnail.

    Memory is bounded by about two decoded copies at most: for an RGBA image, its pixels
    (4 bytes each) and the flattened RGB ones (3 bytes each); for an RGB photo, one copy plus
    the decoder's and encoder's buffers. Every step that would make another full-size copy
    (orienting an upright photo, converting RGB to RGB, a fresh image for the pixels, a
    full-size copy to shrink into the thumbnail) is avoided; `mesoclinic bench imaging`
    measures the peak.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source_format, pixels = _decode(data, name=name, max_pixels=max_pixels)
            pixels = _flatten(pixels)
    except ImageRejected:
        raise
    except UnidentifiedImageError:
        raise ImageRejected(
            f"{name!r} is not a JPEG or PNG image (its content was checked, not its name); "
            "export the photo as JPEG or PNG."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            f"{name!r} has more pixels than an image may have ({max_pixels:,} at most)."
        ) from None
    except Exception:  # any decoder failure on untrusted data is a refusal, whatever its type
        raise ImageRejected(
            f"{name!r} could not be read as an image: it is damaged or incomplete."
        ) from None
    # The pixels and nothing else: the decoder's info (EXIF, ICC profile, comments, text
    # chunks) is dropped, and the encoder is given no metadata to write.
    pixels.info = {}
    # Not optimised: libjpeg's optimised Huffman tables need every coefficient of the image
    # buffered (about 100 MB more at 40 megapixels) for a file a few per cent smaller.
    jpeg = _encode(pixels, quality=JPEG_QUALITY, optimize=False)
    # Resized straight to the thumbnail's size: no full-size copy to shrink in place.
    thumb = pixels.resize(
        _fit(pixels.size, THUMBNAIL_BOX), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    return CleanImage(
        jpeg=jpeg,
        thumbnail=_encode(thumb, quality=THUMBNAIL_QUALITY, optimize=True),
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(jpeg).hexdigest(),
        source_format=source_format,
    )


def _decode(data: bytes, *, name: str, max_pixels: int) -> tuple[str, Image.Image]:
    with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
        source_format = str(probe.format)
        width, height = probe.size
        # The header alone gives the size: refuse before a single pixel is decoded.
        if width * height > max_pixels:
            raise ImageRejected(
                f"{name!r} is {width} x {height} pixels ({width * height:,}); "
                f"at most {max_pixels:,} pixels are accepted."
            )
        probe.verify()
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    image.load()
    # In place: an upright photo (the usual case) is not copied at all.
    ImageOps.exif_transpose(image, in_place=True)
    return source_format, image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent areas become white rather than whatever colour they hide."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        if image.mode != "RGBA":
            image = image.convert("RGBA")  # palette or grey: a quarter or half the size
        paper = Image.new("RGB", image.size, (255, 255, 255))
        # The RGBA image is its own mask: pasted by its alpha, with no channel copied out.
        paper.paste(image, (0, 0), image)
        return paper
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I;16"):
        # 16-bit greyscale PNG: scale to 8 bits before converting.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down to fit ``box``, keeping the aspect ratio (never scaled up)."""
    scale = min(box[0] / size[0], box[1] / size[1], 1.0)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _encode(image: Image.Image, *, quality: int, optimize: bool) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=optimize)
    return out.getvalue()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
