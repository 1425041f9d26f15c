"""Writes for the second factor: start setting up an authenticator app, check a code, and
the one-time recovery codes for when the app is out of reach."""

from __future__ import annotations

import base64
import hashlib
import math
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import (  # type: ignore[import-untyped,unused-ignore]
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.models import User
from mesoclinic.accounts.selectors import STAFF
from mesoclinic.accounts.services import login_failure_record, login_record
from mesoclinic.audit.context import acting_as, current
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record

DEVICE_NAME = "Authenticator app"
STEP = "second_factor"


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret ``user`` is setting up; made on the first call.

    Idempotent, so reloading the set-up page shows the same QR code. Cost: one query, and an
    INSERT plus an audit event the first time.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
        audit_record(
            action=Action.CREATE,
            object_type=STAFF,
            object_id=user.pk,
            detail={"change": "second_factor_setup_started"},
        )
    return device


@dataclass(frozen=True)
class Verification:
    """The outcome of a code: ``ok``, or refused with ``wait_seconds`` > 0 when throttled."""

    ok: bool
    wait_seconds: int = 0


@transaction.atomic
def totp_device_verify(*, device: TOTPDevice, code: str) -> Verification:
    """Check ``code`` (six digits) against ``device``; a first good code confirms the device.

    Wrong codes slow the next attempt down (django-otp's throttling: 1, 2, 4, 8... seconds);
    while throttled no code is checked at all, so guessing 10^6 codes is out of reach. A code
    is accepted once only. Audits LOGIN or LOGIN_FAILED (step "second_factor").
    """
    # Locked, so that two concurrent guesses cannot both pass the throttle check.
    device = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
    user = device.user
    allowed, throttle = device.verify_is_allowed()
    if not allowed:
        locked_until = (throttle or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        login_failure_record(username=user.get_username(), step=STEP, reason="throttled")
        return Verification(ok=False, wait_seconds=max(1, math.ceil(wait)))
    if not device.verify_token(code):
        login_failure_record(username=user.get_username(), step=STEP, reason="wrong_code")
        return Verification(ok=False)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    login_record(staff=user, step=STEP)
    return Verification(ok=True)


# Recovery codes: 10 one-time codes, 120 random bits each, shown once. They are kept in
# django-otp's static device (which gives the throttling, and deletes a code when it is used),
# but never in clear: each StaticToken row holds a 16-character digest of its code.
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_STEP = "recovery_code"
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def recovery_code_digest(code: str) -> str:
    """The stored form of a recovery code: SHA-256 of the normalised code, cut to 16 base64url
    characters (96 bits) to fit the plugin's column. A fast, unsalted hash suffices for secrets
    of 112 random bits or more (ASVS 6.5.2), as for API tokens."""
    normal = recovery_code_normalise(code)
    digest = hashlib.sha256(normal.encode("ascii")).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def recovery_code_normalise(code: str) -> str:
    """Lower case, without the spaces and hyphens people type between the groups."""
    return "".join(ch for ch in code.lower() if ch not in " -")


def _recovery_code_new() -> str:
    """24 base32 characters (120 bits), shown in six groups of four."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(24))
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Give ``user`` 10 new recovery codes; return them, which only this call sees.

    Any earlier codes stop working. Audited (without the codes). Cost: a few queries and one
    INSERT of the 10 digests.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.full_clean()
    device.save()
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    audit_record(
        action=Action.UPDATE,
        object_type=STAFF,
        object_id=user.pk,
        detail={"change": "recovery_codes_generated", "count": len(codes)},
    )
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    left: int = StaticToken.objects.filter(device__user=user).count()
    return left


@dataclass(frozen=True)
class RecoveryUse:
    """The outcome of a recovery code: the device to sign in with, or refused (with
    ``wait_seconds`` > 0 when throttled); ``left`` is how many unused codes remain."""

    device: StaticDevice | None
    wait_seconds: int = 0
    left: int = 0


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> RecoveryUse:
    """Check ``code`` against ``user``'s recovery codes; a good one is used up at once.

    Wrong codes slow the next attempt down (django-otp's throttling). Audits LOGIN (step
    "recovery_code", with the codes left) or LOGIN_FAILED.
    """
    device = StaticDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        login_failure_record(username=user.get_username(), step=RECOVERY_STEP, reason="no_codes")
        return RecoveryUse(device=None)
    allowed, throttle = device.verify_is_allowed()
    if not allowed:
        locked_until = (throttle or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        login_failure_record(username=user.get_username(), step=RECOVERY_STEP, reason="throttled")
        return RecoveryUse(device=None, wait_seconds=max(1, math.ceil(wait)))
    if not device.verify_token(recovery_code_digest(code)):
        login_failure_record(username=user.get_username(), step=RECOVERY_STEP, reason="wrong_code")
        return RecoveryUse(device=None)
    left = StaticToken.objects.filter(device=device).count()
    context = current()
    with acting_as(user, ip=context.ip, path=context.path):
        audit_record(
            action=Action.LOGIN,
            object_type=STAFF,
            object_id=user.pk,
            detail={"step": RECOVERY_STEP, "codes_left": left},
        )
    return RecoveryUse(device=device, left=left)
