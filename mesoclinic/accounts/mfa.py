"""Presenting a TOTP secret to an authenticator app: the otpauth URL, its QR code, the text form.

Pure functions of a device; no queries.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import quote, urlencode

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

ISSUER = "Mesoclinic"


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32, no padding."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def secret_for_typing(device: TOTPDevice) -> str:
    """``secret_base32`` in groups of four, easier to copy by eye."""
    secret = secret_base32(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_url(device: TOTPDevice) -> str:
    """The Key URI that authenticator apps read from a QR code, labelled "Mesoclinic:<user>".

    See https://github.com/google/google-authenticator/wiki/Key-Uri-Format.
    """
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": secret_base32(device),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg_data_uri(text: str) -> str:
    """``text`` as a QR code in an SVG ``data:`` URI, for an ``<img src>``.

    An ``<img>`` never runs script inside an SVG, and the page's CSP allows ``data:`` images
    only, so the code needs no inline markup. Cost: a few milliseconds.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", scale=5, border=4, xmldecl=False, dark="#000", light="#fff"
    )
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
