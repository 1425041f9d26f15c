"""photos.imaging against the upload corpus: what is refused, and what a kept photo holds."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mesoclinic.photos.imaging import ImageRejected, clean_image, read_limited
from mesoclinic.photos.tests import images

LIMIT = 40_000_000


def clean(data: bytes, name: str = "photo.jpg", max_pixels: int = LIMIT) -> Image.Image:
    result = clean_image(data, name=name, max_pixels=max_pixels)
    return Image.open(io.BytesIO(result.jpeg))


def test_it_re_encodes_a_jpeg_without_any_metadata() -> None:
    source = images.jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)[2] == images.GPS_LATITUDE
    assert b"PhoneMaker" in source
    result = clean_image(source, name="camera.jpg", max_pixels=LIMIT)
    stored = Image.open(io.BytesIO(result.jpeg))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert b"GPS" not in result.jpeg
    assert b"PhoneMaker" not in result.jpeg
    assert b"Exif" not in result.jpeg
    assert "icc_profile" not in stored.info
    assert b"fake-icc-profile" not in result.jpeg
    assert (result.width, result.height, result.source_format) == (400, 200, "JPEG")
    assert len(result.sha256) == 64


def test_it_applies_the_exif_orientation_before_dropping_it() -> None:
    # Orientation 6: the camera was turned; the stored pixels must be upright.
    result = clean_image(images.jpeg_with_gps(orientation=6), name="turned.jpg", max_pixels=LIMIT)
    stored = Image.open(io.BytesIO(result.jpeg))
    assert (stored.width, stored.height) == (200, 400)
    # The blue marker of the top-left corner is now at the top right.
    red, _, blue = stored.convert("RGB").getpixel((stored.width - 10, 10))  # type: ignore[misc]
    assert blue > 200
    assert red < 60


def test_it_turns_a_png_into_a_jpeg_and_flattens_transparency_onto_white() -> None:
    stored = clean(images.png(mode="RGBA"), "scan.png")
    assert stored.format == "JPEG"
    red, green, blue = stored.getpixel((5, 5))  # type: ignore[misc]
    assert (red, green, blue) > (120, 180, 150)  # half-transparent green on white, not on black


def test_it_strips_a_png_html_polyglot() -> None:
    data = images.png_polyglot()
    assert images.POLYGLOT_SCRIPT in data
    result = clean_image(data, name="poly.png", max_pixels=LIMIT)
    assert b"<script" not in result.jpeg
    assert b"<script" not in result.thumbnail
    assert b"html" not in result.jpeg


def test_it_makes_a_small_thumbnail() -> None:
    result = clean_image(images.jpeg(3000, 2000), name="big.jpg", max_pixels=LIMIT)
    thumbnail = Image.open(io.BytesIO(result.thumbnail))
    assert max(thumbnail.size) == 480
    assert dict(thumbnail.getexif()) == {}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Just some text, not a photo\n", "photo.jpg", "'photo.jpg' is not a JPEG or PNG image"),
        (images.gif(), "anim.gif", "'anim.gif' is not a JPEG or PNG image"),
        (images.svg(), "vector.svg", "'vector.svg' is not a JPEG or PNG image"),
        (images.truncated_jpeg(), "half.jpg", "'half.jpg' could not be read as an image"),
        (images.png_header_only(100_000, 100_000), "bomb.png", "'bomb.png' has more pixels"),
        (
            images.png_header_only(8000, 6000),
            "huge.png",
            "'huge.png' is 8000 x 6000 pixels (48,000,000); at most 40,000,000",
        ),
        (images.png_header_only(10_000, 9_000), "bigger.png", "'bigger.png' has more pixels"),
    ],
)
def test_it_refuses_what_is_not_a_photo_naming_the_file(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(ImageRejected) as refused:
        clean_image(data, name=name, max_pixels=LIMIT)
    assert refused.value.message.startswith(message)


def test_it_checks_its_own_pixel_limit_before_decoding() -> None:
    with pytest.raises(ImageRejected, match="at most 10,000 pixels"):
        clean_image(images.png(200, 100), name="small.png", max_pixels=10_000)


def test_it_reads_no_more_than_the_limit() -> None:
    stream = io.BytesIO(b"x" * 5000)
    with pytest.raises(
        ImageRejected, match=r"'big.jpg' is larger than the limit of 0\.00390625 MB"
    ):
        read_limited(stream, name="big.jpg", max_bytes=4096)
    assert stream.tell() == 4097


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(ImageRejected, match=r"'empty.jpg' is empty \(0 bytes\)"):
        read_limited(io.BytesIO(b""), name="empty.jpg", max_bytes=4096)


def test_it_reads_a_file_within_the_limit() -> None:
    assert read_limited(io.BytesIO(b"abc"), name="x", max_bytes=3) == b"abc"
