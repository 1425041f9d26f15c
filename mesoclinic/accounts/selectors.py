"""Reads for staff, their API tokens and their second-factor devices, with the access checks."""

from __future__ import annotations

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import ApiToken, User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound

STAFF = "staff"


def staff_list_for_manager(manager: User) -> list[User]:
    """Everyone who works at one of ``manager``'s sites, active first, then by name.

    Raises ``Forbidden`` (audited) unless the manager may manage staff; audits the listing.
    Cost: three queries whatever the number of staff (the manager's site ids, the staff, their
    sites) and one audit INSERT.
    """
    require(manager, Capability.MANAGE_STAFF, what=STAFF)
    staff = list(
        User.objects.filter(sites__in=site_ids(manager))
        .distinct()
        .prefetch_related("sites")
        .order_by("-is_active", "last_name", "first_name", "username")
    )
    audit_record(action=Action.LIST, object_type=STAFF, detail={"count": len(staff)})
    return staff


def staff_get_for_manager(manager: User, staff_id: int) -> User:
    """The member of staff ``staff_id`` if they work at one of ``manager``'s sites.

    ``Forbidden`` (audited) for a role that may not manage staff; ``NotFound`` (audited) for
    staff who share no site with the manager, exactly as for an id that does not exist.
    """
    require(manager, Capability.MANAGE_STAFF, what=STAFF)
    staff = User.objects.filter(pk=staff_id, sites__in=site_ids(manager)).distinct().first()
    if staff is None:
        audit_denied(reason="other_site", object_type=STAFF, object_id=staff_id)
        raise NotFound("No such member of staff.")
    return staff


def api_token_list_for_user(user: User) -> QuerySet[ApiToken]:
    """``user``'s own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")


def api_token_get_for_user(user: User, token_id: int) -> ApiToken:
    """``user``'s own token ``token_id``; ``NotFound`` (audited) for anyone else's."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        audit_denied(reason="not_owner", object_type="api_token", object_id=token_id)
        raise NotFound("No such token.")
    return token


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    """The authenticator app ``user`` has set up, or ``None`` before set-up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
