"""Writing audit events. Every read or write of patient data calls ``audit_record``."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

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
    event = audit_event(
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        site_id=site_id,
        outcome=outcome,
        detail=detail,
    )
    _insert(event)
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append ``events`` (made by ``audit_event``) in one INSERT: a write of many rows at once
    (a course's sessions) audits each row without a round trip per row. Same rules as
    ``audit_record``: inside the caller's transaction."""
    if events:
        AuditEvent.objects.bulk_create(events)


def audit_event(
    *,
    action: Action,
    object_type: str,
    object_id: object = "",
    patient_id: int | None = None,
    site_id: int | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """One unsaved event for the current actor, for ``audit_record_many``."""
    context = current()
    actor = context.actor
    return AuditEvent(
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


def _insert(event: AuditEvent) -> None:
    """INSERT ``event`` as ``Model.save`` would, without building a query object each time.

    Every page of patient data writes an event; through ``save()`` the INSERT cost about a
    millisecond of Python (an InsertQuery built and compiled per call) beside half a
    millisecond of database work. The statement is written once per database vendor; the
    fields prepare their own values (``get_db_prep_save``), exactly as the ORM does.
    """
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in _FIELDS]
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, returning=returning), values)
        event.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    event._state.adding = False
    event._state.db = connection.alias


_FIELDS = tuple(field for field in AuditEvent._meta.concrete_fields if not field.primary_key)


@cache
def _insert_sql(vendor: str, *, returning: bool) -> str:
    quote = connection.ops.quote_name
    # The model's own table and columns; every value is a parameter.
    return "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(field.column) for field in _FIELDS),
        ", ".join(["%s"] * len(_FIELDS)),
        f" RETURNING {quote(AuditEvent._meta.pk.column)}" if returning else "",
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


def audit_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the events older than ``AUDIT_RETENTION_DAYS``; return how many went.

    The only path that removes audit rows: the model and queryset refuse ``delete()``, and the
    database refuses to delete a younger row (``audit.triggers``). The purge itself is recorded.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        # _raw_delete: one DELETE, without the model's refusal (which guards every other path).
        removed = AuditEvent.objects.filter(at__lt=cutoff)._raw_delete(connection.alias)
        audit_record(
            action=Action.PURGE,
            object_type="audit_event",
            detail={"before": cutoff.isoformat(), "removed": removed},
        )
    return removed
