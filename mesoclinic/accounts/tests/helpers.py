"""Signing in as a person would: the password form, then a real TOTP code from the device key."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.oath import totp  # type: ignore[import-untyped,unused-ignore]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.models import User
from mesoclinic.conftest import PASSWORD

# The XSS corpus stored in every text field the accounts app keeps.
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
]


def current_code(device: TOTPDevice) -> str:
    """The six digits an authenticator app would show now for ``device``."""
    value: int = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:06d}"


def password_step(client: Client, user: User, *, next_url: str = "") -> str:
    """Sign in with the password; return where the page sends the browser."""
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302, response.content
    return response["Location"]


def device_of(user: User, *, confirmed: bool | None = None) -> TOTPDevice:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.get()


def sign_in(client: Client, user: User) -> None:
    """Both factors through the real pages, setting up the app if the user has none.

    Setting up ends on the page of new recovery codes (200); a later sign-in redirects (302).
    """
    setting_up = not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    location = password_step(client, user)
    client.get(location)  # the set-up page makes the device the first time
    response = client.post("/accounts/mfa/", {"code": current_code(device_of(user))})
    if setting_up:
        assert response.status_code == 200, response.content
        assert "recovery codes" in response.content.decode()
    else:
        assert response.status_code == 302, response.content


def recovery_codes_shown(page: str) -> list[str]:
    """The recovery codes a page shows, in order."""
    return re.findall(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){5})</code></li>", page)


def assert_escaped(page: str, value: str) -> None:
    """``value`` from ``XSS`` appears in ``page`` only as inert text."""
    if "<" in value or '"' in value:
        assert value not in page
        assert value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in page
    else:
        # Harmless as text: a template payload is shown as typed, a URL never becomes a link.
        assert value in page
        assert f'href="{value}' not in page
        assert f'src="{value}' not in page
