"""Writes for the second factor: start setting up an authenticator app, and check a code."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.models import User
from mesoclinic.accounts.selectors import STAFF
from mesoclinic.accounts.services import login_failure_record, login_record
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
