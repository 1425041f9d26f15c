"""The upload corpus, generated with Pillow (no binary files in the repository)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

POLYGLOT_SCRIPT = b"<html><script>alert('polyglot')</script></html>"
GPS_LATITUDE = (51.0, 31.0, 12.0)  # degrees, minutes, seconds


def jpeg(
    width: int = 640, height: int = 480, colour: tuple[int, int, int] = (200, 120, 90)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=85)
    return out.getvalue()


def png(width: int = 320, height: int = 240, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    colour: object = (30, 160, 90, 128) if mode == "RGBA" else (30, 160, 90)
    Image.new(mode, (width, height), colour).save(out, format="PNG")  # type: ignore[arg-type]
    return out.getvalue()


def jpeg_with_gps(*, orientation: int = 1, width: int = 400, height: int = 200) -> bytes:
    """A camera JPEG: GPS position, camera make, an orientation tag and an ICC profile."""
    image = Image.new("RGB", (width, height), (180, 140, 120))
    # Mark the top-left corner, to check the orientation is applied before encoding.
    image.paste((0, 0, 255), (0, 0, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, icc_profile=b"\x00" * 128 + b"fake-icc-profile")
    return out.getvalue()


def png_polyglot() -> bytes:
    """A valid PNG with HTML in a text chunk and after the image end."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", POLYGLOT_SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (255, 255, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue() + POLYGLOT_SCRIPT


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares huge dimensions: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 0, 0)).save(out, format="GIF")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600)
    return data[: len(data) // 2]


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
