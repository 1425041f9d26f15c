"""Writes for sites, staff and sign-in records.

API tokens are written in ``accounts.token_services`` and second-factor devices in
``accounts.mfa_services``; this module keeps what a manager does to staff, and the audit rows
of signing in and out.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice  # type: ignore[import-untyped,unused-ignore]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.access import Capability, require, require_within_reach, site_ids
from mesoclinic.accounts.models import ApiToken, Role, Site, User
from mesoclinic.accounts.selectors import STAFF
from mesoclinic.accounts.token_services import api_tokens_revoke_all
from mesoclinic.audit.context import acting_as, current
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.audit.services import audit_record
from mesoclinic.core.errors import Invalid

# Django's own username rule (UnicodeUsernameValidator), checked here to name the bad value.
_USERNAME = re.compile(r"[\w.@+-]{1,150}")
# Session engines whose rows Django keeps in the database table that ``staff_sessions_end``
# scans; with any other engine the inactive-user check on every request still ends access.
_DB_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


@transaction.atomic
def site_create(
    *, name: str, code: str, time_zone: str = "Europe/London", address: str = ""
) -> Site:
    site = Site(name=name, code=code, time_zone=time_zone, address=address)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: Role,
    sites: Iterable[Site],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_prescriber: bool = False,
    registration_number: str = "",
) -> User:
    """A member of staff with a hashed password (Argon2id), working at ``sites``.

    The building block for commands, fixtures and ``staff_register``; it records no audit
    event itself (``staff_register``, the manager's path, does).
    """
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_prescriber=is_prescriber,
        registration_number=registration_number,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.sites.set(list(sites))
    return user


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


def _staff_rule_errors(
    *, role: str, is_prescriber: bool, registration_number: str
) -> dict[str, list[str]]:
    """The rules the database also holds (``User.Meta.constraints``), as messages per field.

    Checked before saving so that a manager reads which field to change instead of meeting an
    IntegrityError.
    """
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Role: “{role}” is not one of {', '.join(Role.values)}."]
    if is_prescriber and role != Role.PRACTITIONER:
        errors["is_prescriber"] = [
            f"Prescriber: only a practitioner can prescribe, and the role chosen is "
            f"“{_role_label(role)}”."
        ]
    if is_prescriber and not registration_number.strip():
        errors["registration_number"] = [
            "Registration number: a prescriber needs one (e.g. an NMC or GMC number); "
            "the field is empty."
        ]
    return errors


def _validation_errors(error: ValidationError) -> dict[str, list[str]]:
    """``full_clean``'s errors keyed by field, each message prefixed with the field's name."""
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = "__all__" if field == NON_FIELD_ERRORS else field
        label = "" if key == "__all__" else key.replace("_", " ").capitalize() + ": "
        errors[key] = [f"{label}{message}" for message in messages]
    return errors


@transaction.atomic
def staff_register(
    *,
    actor: User,
    username: str,
    password: str,
    role: str,
    sites: Iterable[Site],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_prescriber: bool = False,
    registration_number: str = "",
) -> User:
    """A manager adds a member of staff at some of the manager's own sites.

    Raises ``Forbidden`` (audited) unless ``actor`` may manage staff, and ``Invalid`` naming each
    field to change: the prescriber rules, sites outside the manager's, a weak password, a
    username in use. Cost: a few queries (validation) and the inserts; one audit event.
    """
    require(actor, Capability.MANAGE_STAFF, what=STAFF)
    chosen = list(sites)
    errors = _staff_rule_errors(
        role=role, is_prescriber=is_prescriber, registration_number=registration_number
    )
    own = site_ids(actor)
    if not chosen:
        errors["sites"] = ["Sites: choose at least one site where this person works."]
    elif outside := [site.name for site in chosen if site.pk not in own]:
        errors["sites"] = [f"Sites: you do not manage “{'”, “'.join(outside)}”."]
    if not username:
        errors["username"] = ["Username: it is empty; choose one, e.g. “jane.smith”."]
    elif not _USERNAME.fullmatch(username):
        errors["username"] = [
            f"Username: “{username}” may contain only letters, digits and @ . + - _ "
            f"(at most 150 characters)."
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"Username: “{username}” is already taken; choose another."]
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = [f"Password: {message}" for message in error.messages]
    if errors:
        raise Invalid(errors)
    try:
        staff = staff_create(
            username=username,
            password=password,
            role=Role(role),
            sites=chosen,
            first_name=first_name,
            last_name=last_name,
            email=email,
            is_prescriber=is_prescriber,
            registration_number=registration_number.strip(),
        )
    except ValidationError as error:
        raise Invalid(_validation_errors(error)) from None
    audit_record(
        action=Action.CREATE,
        object_type=STAFF,
        object_id=staff.pk,
        site_id=chosen[0].pk,
        detail={
            "username": staff.username,
            "role": staff.role,
            "is_prescriber": staff.is_prescriber,
            "sites": sorted(site.code for site in chosen),
        },
    )
    return staff


def staff_sessions_end(*, staff: User) -> int:
    """Delete every stored session signed in as ``staff``; return how many.

    Cost: reads and decodes every unexpired session row (one query), then one DELETE per
    session found; cheap at a clinic's scale of a few sessions per member of staff. Only
    database-backed session engines can be scanned; with others this returns 0, and access
    still ends because Django refuses an inactive user on each request.
    """
    if settings.SESSION_ENGINE not in _DB_SESSION_ENGINES:
        return 0
    user_id = str(staff.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    # Through the engine, so that cached_db also drops its cached copy.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


@dataclass(frozen=True)
class Deactivation:
    sessions_ended: int
    tokens_revoked: int


def staff_deactivate(*, staff: User, actor: User) -> Deactivation:
    """End ``staff``'s access at once: inactive, API tokens revoked, sessions deleted.

    Raises ``Forbidden`` (audited) unless ``actor`` may manage staff and holds every right
    ``staff`` holds (``access.require_within_reach``), and ``Invalid`` when ``actor``
    would lock themself out. Site scope is the caller's: fetch ``staff`` with
    ``selectors.staff_get_for_manager``. Repeating it is harmless.
    """
    require(actor, Capability.MANAGE_STAFF, what=STAFF)
    require_within_reach(actor, staff, what=STAFF)
    if staff.pk == actor.pk:
        raise Invalid({"staff": ["You cannot deactivate your own account: ask another manager."]})
    with transaction.atomic():
        staff.is_active = False
        staff.full_clean()
        staff.save(update_fields=["is_active"])
        tokens = ApiToken.objects.filter(user=staff, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        sessions = staff_sessions_end(staff=staff)
        audit_record(
            action=Action.UPDATE,
            object_type=STAFF,
            object_id=staff.pk,
            detail={"change": "deactivated", "sessions_ended": sessions, "tokens_revoked": tokens},
        )
    return Deactivation(sessions_ended=sessions, tokens_revoked=tokens)


def staff_mfa_reset(*, staff: User, actor: User) -> int:
    """Remove ``staff``'s second-factor devices and end their sessions; return devices removed.

    For a lost phone: the next sign-in with the password leads to setting up a new device,
    with new recovery codes (the old ones are removed here too).
    Raises ``Forbidden`` (audited) unless ``actor`` may manage staff and holds every right
    ``staff`` holds (``access.require_within_reach``).
    """
    require(actor, Capability.MANAGE_STAFF, what=STAFF)
    require_within_reach(actor, staff, what=STAFF)
    # The checks above run outside the transaction: a refusal's audit row must not roll back.
    with transaction.atomic():
        removed: int
        removed, _ = TOTPDevice.objects.filter(user=staff).delete()
        StaticDevice.objects.filter(user=staff).delete()
        sessions = staff_sessions_end(staff=staff)
        audit_record(
            action=Action.UPDATE,
            object_type=STAFF,
            object_id=staff.pk,
            detail={
                "change": "second_factor_reset",
                "devices": removed,
                "sessions_ended": sessions,
            },
        )
    return removed


# Temporary passwords: 16 characters from an alphabet without look-alikes (0/o, 1/l/i), about
# 80 bits, in four groups of four to read out or copy.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _temporary_password() -> str:
    raw = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def staff_password_reset(*, staff: User, actor: User) -> str:
    """A manager gives ``staff`` a temporary password; return it, which only this call sees.

    The member must choose their own at the next sign-in (``must_change_password``); their
    sessions end and their API tokens are revoked. Raises ``Forbidden`` (audited) unless ``actor``
    may manage staff and holds every right ``staff`` holds (``access.require_within_reach``),
    and ``Invalid`` for ``actor``'s own account or a deactivated one. Site scope is the caller's:
    fetch ``staff`` with ``selectors.staff_get_for_manager``.
    """
    require(actor, Capability.MANAGE_STAFF, what=STAFF)
    require_within_reach(actor, staff, what=STAFF)
    if staff.pk == actor.pk:
        raise Invalid(
            {"staff": ["You cannot reset your own password here: change it on your password page."]}
        )
    if not staff.is_active:
        raise Invalid({"staff": [f"{staff.username} is deactivated: there is nothing to reset."]})
    password = _temporary_password()
    validate_password(password, user=staff)
    with transaction.atomic():
        staff.set_password(password)
        staff.must_change_password = True
        staff.save(update_fields=["password", "must_change_password"])
        tokens = api_tokens_revoke_all(user=staff, reason="password_reset")
        sessions = staff_sessions_end(staff=staff)
        audit_record(
            action=Action.UPDATE,
            object_type=STAFF,
            object_id=staff.pk,
            detail={
                "change": "password_reset",
                "sessions_ended": sessions,
                "tokens_revoked": tokens,
            },
        )
    return password


@transaction.atomic
def staff_password_set(*, staff: User, password: str) -> None:
    """Set ``staff``'s own new password (already validated by the caller's form).

    Django ends the member's other sessions: each holds a hash of the old password. Their API
    tokens are revoked too: a password changed because it leaked must not leave a token made
    with it working. A temporary password from a manager is replaced, so its pages reopen.
    """
    staff.set_password(password)
    staff.must_change_password = False
    staff.save(update_fields=["password", "must_change_password"])
    tokens = api_tokens_revoke_all(user=staff, reason="password_changed")
    audit_record(
        action=Action.UPDATE,
        object_type=STAFF,
        object_id=staff.pk,
        detail={"change": "password_changed", "tokens_revoked": tokens},
    )


# A signed-in session guessing the password at a re-authentication prompt is refused after
# this many wrong passwords in the window, as the sign-in page refuses after 5 (django-axes).
REAUTH_MAX_FAILURES = 5
REAUTH_WINDOW = dt.timedelta(minutes=15)


def staff_reauthenticate(*, staff: User, password: str, purpose: str) -> None:
    """Check that the member at the keyboard knows ``staff``'s current password before a
    sensitive change (``purpose``, e.g. "api_token").

    Raises ``Invalid`` naming the "password" field when it is wrong or after 5 wrong ones in
    15 minutes; each refusal is audited (LOGIN_FAILED, step "reauthenticate"). Runs outside
    any transaction of the caller's, so that a refusal's audit row stays. Cost: one password
    hash (Argon2id, tens of milliseconds) and one count of recent refusals.
    """
    failures = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED,
        object_type=STAFF,
        object_id=str(staff.pk),
        detail__step="reauthenticate",
        at__gte=timezone.now() - REAUTH_WINDOW,
    ).count()
    if failures >= REAUTH_MAX_FAILURES:
        _reauth_refused(staff=staff, purpose=purpose, reason="too_many_failures")
        minutes = int(REAUTH_WINDOW.total_seconds() // 60)
        raise Invalid(
            {
                "password": [
                    f"Current password: too many wrong passwords; wait {minutes} minutes, "
                    "then try again."
                ]
            }
        )
    if not password or not staff.check_password(password):
        _reauth_refused(staff=staff, purpose=purpose, reason="wrong_password")
        raise Invalid({"password": ["Current password: it is not your current password."]})


def _reauth_refused(*, staff: User, purpose: str, reason: str) -> None:
    audit_record(
        action=Action.LOGIN_FAILED,
        object_type=STAFF,
        object_id=staff.pk,
        outcome=Outcome.DENIED,
        detail={"step": "reauthenticate", "purpose": purpose, "reason": reason},
    )


def login_record(*, staff: User, step: str) -> None:
    """Audit a passed sign-in step ("password" or "second_factor") as ``staff``.

    The request's audit context was opened before sign-in, as an anonymous visitor, so the
    event is written as the member who has just proved who they are.
    """
    context = current()
    with acting_as(staff, ip=context.ip, path=context.path):
        audit_record(
            action=Action.LOGIN, object_type=STAFF, object_id=staff.pk, detail={"step": step}
        )


def login_failure_record(*, username: str, step: str, reason: str) -> None:
    """Audit a refused sign-in step. The password is never recorded; the username typed is."""
    staff_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    audit_record(
        action=Action.LOGIN_FAILED,
        object_type=STAFF,
        object_id=staff_id or "",
        outcome=Outcome.DENIED,
        detail={"step": step, "reason": reason, "username": username[:150]},
    )


def logout_record(*, staff: User, reason: str) -> None:
    """Audit the end of a session: "signed_out", "idle" or "absolute_limit"."""
    context = current()
    with acting_as(staff, ip=context.ip, path=context.path):
        audit_record(
            action=Action.LOGOUT, object_type=STAFF, object_id=staff.pk, detail={"reason": reason}
        )
