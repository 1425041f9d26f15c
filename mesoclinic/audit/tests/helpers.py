"""Audit events for the audit log tests, written through audit_record as the app writes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.audit.services import audit_record


def event(
    actor: Any,
    *,
    at: dt.datetime | None = None,
    action: Action = Action.VIEW,
    object_type: str = "patient",
    object_id: object = "",
    patient_id: int | None = None,
    site_id: int | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    path: str = "/patients/",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """One event by ``actor`` (None: no signed-in user), at ``at`` if given."""
    with acting_as(actor, ip="192.0.2.10", path=path):
        if at is None:
            return _record(action, object_type, object_id, patient_id, site_id, outcome, detail)
        with time_machine.travel(at, tick=False):
            return _record(action, object_type, object_id, patient_id, site_id, outcome, detail)


def _record(
    action: Action,
    object_type: str,
    object_id: object,
    patient_id: int | None,
    site_id: int | None,
    outcome: Outcome,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    return audit_record(
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        site_id=site_id,
        outcome=outcome,
        detail=detail,
    )
