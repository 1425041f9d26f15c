"""Writing audit events. Every read or write of patient data calls ``audit_record``."""

from __future__ import annotations

from typing import Any

from mesoclinic.audit.context import current
from mesoclinic.audit.models import Action, AuditEvent, Outcome

OBJECT_TYPE_MAX = 40
OBJECT_ID_MAX = 40


def audit_record(
    *,
    action: Action,
    object_type: str,
    object_id: object = "",
    patient_id: int | None = None,
    site_id: int | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event for the current actor (see ``audit.context``).

    Cost: one INSERT. Call it inside the caller's transaction so that a write and its audit
    row commit or roll back together.
    """
    context = current()
    actor = context.actor
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=getattr(actor, "username", "") if actor is not None else "",
        site_id=site_id,
        patient_id=patient_id,
        # Cut to the columns' lengths: an id typed into a URL can be any length, and a refusal
        # must still be recorded (PostgreSQL would refuse the row, SQLite would keep it whole).
        object_type=object_type[:OBJECT_TYPE_MAX],
        object_id=str(object_id)[:OBJECT_ID_MAX],
        action=action,
        outcome=outcome,
        ip=context.ip,
        path=context.path,
        detail=detail or {},
    )


def audit_denied(
    *,
    reason: str,
    object_type: str,
    object_id: object = "",
    patient_id: int | None = None,
    action: Action = Action.VIEW,
) -> AuditEvent:
    """Record a refused attempt (another site's object, or a role without the right)."""
    return audit_record(
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        outcome=Outcome.DENIED,
        detail={"reason": reason},
    )
