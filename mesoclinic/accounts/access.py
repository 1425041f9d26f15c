"""What each role may do, and the site check every accessor applies.

Rules of this module:
1. Roles map to capabilities in one table, ``ROLE_CAPABILITIES``; code asks for a capability,
   never for a role, so changing who may do what is a one-line change here.
2. Site scope is separate from capability: an object of another site is "not found" (404),
   an object of the user's site that the role may not touch is "forbidden" (403).
3. Every refusal is audited before it is raised (``audit.services``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import connection

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.services import audit_denied
from mesoclinic.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Capability(StrEnum):
    VIEW_PATIENT = "view_patient"  # demographics and contact details
    EDIT_PATIENT = "edit_patient"
    VIEW_CLINICAL = "view_clinical"  # history, consultations, plans, consents
    EDIT_CLINICAL = "edit_clinical"
    TAKE_CONSENT = "take_consent"
    VIEW_PHOTOS = "view_photos"
    UPLOAD_PHOTOS = "upload_photos"
    VIEW_AUDIT = "view_audit"
    MANAGE_STAFF = "manage_staff"
    PUBLISH_CONSENT = "publish_consent"  # the wording patients sign
    BOOK = "book_appointments"  # the diary: availability, booking, rescheduling, cancelling
    MANAGE_SCHEDULE = "manage_schedule"  # rooms, services, working hours, exceptions
    OVERBOOK = "overbook"  # book over another appointment on purpose, with a reason
    # The reception inbox: read enquiries (a person's self-assessment answers included), mark
    # them contacted, close them, convert them into patients.
    HANDLE_ENQUIRIES = "handle_enquiries"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.RECEPTIONIST: frozenset(
        {
            Capability.VIEW_PATIENT,
            Capability.EDIT_PATIENT,
            Capability.BOOK,
            Capability.HANDLE_ENQUIRIES,
        }
    ),
    Role.PRACTITIONER: frozenset(
        {
            Capability.VIEW_PATIENT,
            Capability.EDIT_PATIENT,
            Capability.VIEW_CLINICAL,
            Capability.EDIT_CLINICAL,
            Capability.TAKE_CONSENT,
            Capability.VIEW_PHOTOS,
            Capability.UPLOAD_PHOTOS,
            Capability.BOOK,
        }
    ),
    # Managers oversee: they read clinical records and audit, and do not write clinical notes.
    Role.MANAGER: frozenset(
        {
            Capability.VIEW_PATIENT,
            Capability.EDIT_PATIENT,
            Capability.VIEW_CLINICAL,
            Capability.VIEW_PHOTOS,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_STAFF,
            # The clinic answers for what its patients agree to: managers publish the text.
            Capability.PUBLISH_CONSENT,
            Capability.BOOK,
            Capability.MANAGE_SCHEDULE,
            Capability.OVERBOOK,
            Capability.HANDLE_ENQUIRIES,
        }
    ),
}


def can(user: User | AnonymousUser, capability: Capability) -> bool:
    return capability in capabilities_of(user)


def capabilities_of(user: User | AnonymousUser) -> frozenset[Capability]:
    """Everything ``user`` may do: nothing unless signed in and active."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


_TABLE = User.sites.through._meta.db_table
_SITE_IDS = f"SELECT site_id FROM {_TABLE} WHERE user_id = %s"  # noqa: S608 - a model's table


def site_ids(user: User) -> frozenset[int]:
    """The ids of the user's sites; one query per request, cached on the user object.

    Asked on every clinical page, so asked directly of the membership table: through the
    ORM the query cost a millisecond of Python for a fifth of a millisecond of database work.
    """
    cached: frozenset[int] | None = getattr(user, "_site_ids", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_SITE_IDS, [user.pk])
            cached = frozenset(site_id for (site_id,) in cursor.fetchall())
        user._site_ids = cached  # type: ignore[attr-defined]
    return cached


def check_site(
    user: User, site_id: int, *, what: str, object_id: object = "", patient_id: int | None = None
) -> None:
    """Raise ``NotFound`` (audited) unless ``site_id`` is one of the user's sites."""
    if site_id not in site_ids(user):
        audit_denied(
            reason="other_site", object_type=what, object_id=object_id, patient_id=patient_id
        )
        raise NotFound(f"No such {what}.")


def require(
    user: User, capability: Capability, *, what: str, patient_id: int | None = None
) -> None:
    """Raise ``Forbidden`` (audited) unless the user's role has ``capability``."""
    if not can(user, capability):
        audit_denied(reason=f"missing:{capability}", object_type=what, patient_id=patient_id)
        raise Forbidden(f"Your role may not {capability.value.replace('_', ' ')}.")


def require_within_reach(actor: User, staff: User, *, what: str) -> None:
    """Raise ``Forbidden`` (audited) unless every right ``staff`` holds is one ``actor`` holds too.

    A manager may act on a member of staff (deactivate, reset a factor or password) only when
    that cannot take them past their own rights: not on a superuser or an admin-site user
    unless a superuser or admin-site user themself, and not on someone who also works at a
    site the manager does not manage. Role capabilities are not compared: managers run the
    clinic's staff, practitioners included, without writing clinical notes themselves.
    """
    if actor.is_superuser:
        return
    reason = None
    if staff.is_superuser:
        reason = "superuser"
    elif staff.is_staff and not actor.is_staff:
        reason = "admin_site_user"
    elif not site_ids(staff) <= site_ids(actor):
        reason = "works_at_other_sites"
    if reason is not None:
        audit_denied(reason=f"outranks:{reason}", object_type=what, object_id=staff.pk)
        raise Forbidden("This member of staff holds rights you do not have; ask an administrator.")
