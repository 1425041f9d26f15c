"""A per-address limit on the public enquiry form, beside the sign-in throttle.

``accounts.throttle`` guards sign-in through django-axes, which counts failed passwords; the
enquiry form has no password to fail, so it counts its own POSTs: at most
``ENQUIRY_LIMIT`` from one client address per ``ENQUIRY_WINDOW_SECONDS``. The count is in the
database, so every server process sees the same one (a per-process cache would let each worker
allow the limit again). Only the enquiry form's POST is counted: staff sign-in and staff pages
never read it, so a flood of enquiries from the clinic's own address does not lock staff out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from mesoclinic.audit.context import client_ip
from mesoclinic.enquiries.models import SendAttempt


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the client address (the audit trail's ``client_ip``)."""
    address = client_ip(request) or "unknown"
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, b"enquiry-throttle:" + address.encode(), hashlib.sha256).hexdigest()


def enquiry_attempt_allowed(request: HttpRequest, *, now: dt.datetime | None = None) -> bool:
    """Count this attempt and say whether it is within the limit for its address.

    Cost: a DELETE of every attempt older than the window (so the table holds one window's
    attempts, whichever addresses never come back), a COUNT, an INSERT.
    A refused attempt is counted too, so that a client that keeps sending stays refused.
    """
    now = now or timezone.now()
    key = address_key(request)
    since = now - dt.timedelta(seconds=settings.ENQUIRY_WINDOW_SECONDS)
    SendAttempt.objects.filter(at__lt=since).delete()
    earlier = SendAttempt.objects.filter(address_key=key, at__gte=since).count()
    SendAttempt.objects.create(address_key=key, at=now)
    return earlier < settings.ENQUIRY_LIMIT


def retry_after_seconds() -> int:
    return int(settings.ENQUIRY_WINDOW_SECONDS)
