"""Writes for API tokens: make one (shown once), revoke one, and use one to authenticate.

A token is 43 URL-safe characters from ``secrets`` (256 bits). The database keeps its first
8 characters (``prefix``, to find the row and to show the owner which token is which) and the
SHA-256 of the whole token; the token itself is never stored, so a leaked database or backup
gives no working token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mesoclinic.accounts.models import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    TOKEN_PREFIX_LENGTH,
    ApiToken,
    User,
)
from mesoclinic.audit.context import acting_as, current
from mesoclinic.audit.models import Action, Outcome
from mesoclinic.audit.services import audit_record
from mesoclinic.core.errors import Forbidden, Invalid

logger = logging.getLogger(__name__)

OBJECT_TYPE = "api_token"
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 80
# How stale ``last_used_at`` may get: a client calling many times a minute costs no write.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# What ``secrets.token_urlsafe`` produces; anything else is refused without a query.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,200}")


def token_hash(raw: str) -> str:
    """The stored form of a token: SHA-256, hex. A fast hash suffices for 256 random bits."""
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, days: int = TOKEN_DEFAULT_DAYS, read_only: bool = False
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return the row and the token, which only this call sees.

    It expires after ``days`` (1 to ``TOKEN_MAX_DAYS``); a ``read_only`` one may only read.
    Raises ``Invalid`` for an empty or over-long name or a lifetime out of range. Cost: one or
    two queries and an INSERT, plus one audit event.
    """
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise Invalid({"days": [f"Days: {days} is out of range; use 1 to {TOKEN_MAX_DAYS}."]})
    name = name.strip()
    if not name:
        raise Invalid({"name": ["Name: it is empty; say what the token is for, e.g. “Reports”."]})
    if len(name) > NAME_MAX_LENGTH:
        raise Invalid(
            {"name": [f"Name: {len(name)} characters is too long; use at most {NAME_MAX_LENGTH}."]}
        )
    # A clash of 48-bit prefixes is very unlikely; drawing again keeps the prefix unique.
    raw = secrets.token_urlsafe(32)
    while ApiToken.objects.filter(prefix=raw[:TOKEN_PREFIX_LENGTH]).exists():
        raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        secret_hash=token_hash(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        read_only=read_only,
    )
    token.full_clean()
    token.save()
    audit_record(
        action=Action.CREATE,
        object_type=OBJECT_TYPE,
        object_id=token.pk,
        detail={
            "name": token.name,
            "prefix": token.prefix,
            "user": user.username,
            "days": days,
            "read_only": read_only,
        },
    )
    return token, raw


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live token of ``user`` (their password changed, or they left); audited.

    Call inside the caller's transaction. Returns how many were revoked.
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            detail={"change": "revoked_all", "reason": reason, "count": revoked},
        )
    return revoked


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke ``token`` (fetched through ``selectors.api_token_get_for_user``); idempotent."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.full_clean()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action=Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=token.pk,
        detail={"change": "revoked", "prefix": token.prefix},
    )


def api_token_use(*, raw: str, write: bool = False) -> User | None:
    """The active user whose unrevoked, unexpired token ``raw`` is, or ``None``.

    ``write`` says the request would change something: a read-only token is then refused
    with ``Forbidden`` (audited), which the API answers with 403.

    Cost: one SELECT (by the unique prefix, with the user joined); an UPDATE of
    ``last_used_at`` at most once a minute per token. The hashes are compared in constant
    time. A refused token that matches a stored prefix (wrong secret, revoked, or its owner
    deactivated) is audited; unknown tokens are only logged, so noise cannot fill the trail.
    """
    if not _TOKEN_SHAPE.fullmatch(raw):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=raw[:TOKEN_PREFIX_LENGTH]).first()
    if token is None:
        logger.info("API token refused: no token with that prefix")
        return None
    reason = None
    if not hmac.compare_digest(token.secret_hash, token_hash(raw)):
        reason = "wrong_secret"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at <= timezone.now():
        reason = "expired"
    elif not token.user.is_active:
        reason = "inactive_user"
    if reason is not None:
        audit_record(
            action=Action.LOGIN_FAILED,
            object_type=OBJECT_TYPE,
            object_id=token.pk,
            outcome=Outcome.DENIED,
            detail={"reason": reason, "prefix": token.prefix},
        )
        return None
    if write and token.read_only:
        with acting_as(token.user, ip=current().ip, path=current().path):
            audit_record(
                action=Action.LOGIN_FAILED,
                object_type=OBJECT_TYPE,
                object_id=token.pk,
                outcome=Outcome.DENIED,
                detail={"reason": "read_only", "prefix": token.prefix},
            )
        raise Forbidden("This API token is read-only: it cannot change anything.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # Conditional, so that concurrent requests write at most once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
    return token.user
