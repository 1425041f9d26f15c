"""Writes for consultations and their plans. Each is atomic, validated, and audited.

Callers (views, API, commands) have already fetched the patient, consultation or plan through
``consultations.selectors``, which checks site and role; services check the domain rules:
codes known to the knowledge base, a completed consultation no longer changes, an edit has a
reason. Refusals raise ``core.errors.Invalid`` with messages that name the field and the value.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.models import (
    Consultation,
    Fitzpatrick,
    NeedleFear,
    PlanEdit,
    Status,
    StoredPlan,
)
from mesoclinic.consultations.plan_edits import EditError, apply_edit, show
from mesoclinic.core.errors import Invalid
from mesoclinic.planning.errors import PlanningError

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient

MAX_REASON = 2_000


@dataclass(frozen=True)
class History:
    """The medical-history snapshot and concerns of a consultation, as entered.

    ``concerns`` is a list of ``{"concern": code, "zones": [codes]}``; the code lists hold the
    planning contract's codes. Checked by ``consultation_create``/``consultation_update``.
    """

    conditions: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    infection_zones: list[str] = field(default_factory=list)
    pregnant: bool = False
    breastfeeding: bool = False
    childbearing_potential: bool | None = None
    weight_kg: Decimal | None = None
    needle_fear: str = NeedleFear.NONE
    fitzpatrick_type: str = Fitzpatrick.UNKNOWN
    notes: str = ""
    concerns: list[dict[str, Any]] = field(default_factory=list)


_HISTORY_FIELDS = tuple(History.__dataclass_fields__)


@transaction.atomic
def consultation_create(
    *, patient: Patient, practitioner: User, held_at: dt.datetime, history: History
) -> Consultation:
    """A draft consultation of ``patient`` at the patient's site. Cost: 2 INSERTs and checks."""
    consultation = Consultation(
        patient=patient, practitioner=practitioner, site=patient.site, held_at=held_at
    )
    _assign(consultation, history)
    _validate(consultation)
    consultation.save()
    audit_record(
        action=Action.CREATE,
        object_type="consultation",
        object_id=consultation.pk,
        patient_id=patient.pk,
        site_id=consultation.site_id,
        detail={"status": consultation.status},
    )
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, by: User, held_at: dt.datetime, history: History
) -> Consultation:
    """Replace the draft's date, history and concerns; a completed consultation is refused.

    The audit row lists the names of the fields that changed (never their values).
    """
    _require_draft(consultation)
    before = {name: getattr(consultation, name) for name in (*_HISTORY_FIELDS, "held_at")}
    consultation.held_at = held_at
    _assign(consultation, history)
    _validate(consultation)
    changed = [name for name, old in before.items() if getattr(consultation, name) != old]
    consultation.save()
    audit_record(
        action=Action.UPDATE,
        object_type="consultation",
        object_id=consultation.pk,
        patient_id=consultation.patient_id,
        site_id=consultation.site_id,
        detail={"fields": changed, "by": by.pk},
    )
    return consultation


@transaction.atomic
def consultation_complete(*, consultation: Consultation, by: User) -> Consultation:
    """Mark a draft completed: from then on it, and its plans, no longer change."""
    _require_draft(consultation)
    consultation.status = Status.COMPLETED
    consultation.completed_at = timezone.now()
    _validate(consultation)
    consultation.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        object_type="consultation",
        object_id=consultation.pk,
        patient_id=consultation.patient_id,
        site_id=consultation.site_id,
        detail={"status": Status.COMPLETED, "by": by.pk},
    )
    return consultation


@transaction.atomic
def plan_generate(
    *, consultation: Consultation, by: User, start_date: dt.date | None = None
) -> StoredPlan:
    """Run the engine on the consultation and store its plan (original and current copies).

    ``start_date`` defaults to the day after the consultation at the clinic. Refused for a
    completed consultation, one without concerns, and a start before the consultation's date.
    Cost: one engine run (well under a millisecond), one INSERT, one audit row.
    """
    _require_draft(consultation)
    errors: dict[str, list[str]] = {}
    if not consultation.concerns:
        errors["concerns"] = [
            "concerns: a plan needs at least one concern with a zone; none are recorded (got [])"
        ]
    held_on = planning_adapter.clinic_date(consultation.held_at, consultation.site)
    if start_date is not None and start_date < held_on:
        errors["start_date"] = [
            f"start_date: the first visit cannot be before the consultation ({held_on}), "
            f"got {start_date.isoformat()}"
        ]
    if errors:
        raise Invalid(errors)
    chosen = start_date or planning_adapter.default_start_date(consultation)
    try:
        request, output = planning_adapter.generate(consultation, start_date=chosen)
    except PlanningError as error:
        raise Invalid(planning_adapter.field_errors(error.problems, consultation)) from None
    plan = StoredPlan(
        consultation=consultation,
        created_by=by,
        knowledge_version=output["knowledge_version"],
        request=request,
        engine_output=output,
        current=copy.deepcopy(output),
    )
    plan.full_clean()
    plan.save()
    audit_record(
        action=Action.CREATE,
        object_type="plan",
        object_id=plan.pk,
        patient_id=consultation.patient_id,
        site_id=consultation.site_id,
        detail={
            "consultation_id": consultation.pk,
            "knowledge_version": plan.knowledge_version,
            "verdict": output["verdict"],
        },
    )
    return plan


@transaction.atomic
def plan_edit(*, plan: StoredPlan, path: str, value: object, reason: str, by: User) -> PlanEdit:
    """Change one value of the plan's ``current`` document, recording old, new and why.

    The engine's original (``engine_output``) is never touched. Every problem is reported at
    once: a missing reason, a path that is not editable or not in this plan (with the nearest
    one), a value of the wrong kind. The plan row is re-read under a lock so that two edits at
    once both apply (PostgreSQL ``FOR UPDATE``; SQLite serialises writers at BEGIN).
    """
    locked = StoredPlan.objects.select_for_update().select_related("consultation").get(pk=plan.pk)
    _require_draft(locked.consultation)
    errors: dict[str, list[str]] = {}
    reason_text = reason.strip() if isinstance(reason, str) else ""
    if not reason_text:
        errors["reason"] = [f"reason: an edit needs a reason, got {show(reason)}"]
    elif len(reason_text) > MAX_REASON:
        errors["reason"] = [
            f"reason: at most {MAX_REASON} characters, got {len(reason_text)} characters"
        ]
    try:
        updated, old_value, new_value = apply_edit(locked.current, path, value)
    except EditError as error:
        errors.setdefault(error.field, []).append(error.message)
    if errors:
        raise Invalid(errors)
    locked.current = updated
    locked.save(update_fields=["current"])
    edit = PlanEdit(
        plan=locked,
        path=path,
        old_value=old_value,
        new_value=new_value,
        reason=reason_text,
        edited_by=by,
    )
    edit.full_clean()
    edit.save()
    plan.current = updated
    audit_record(
        action=Action.UPDATE,
        object_type="plan",
        object_id=locked.pk,
        patient_id=locked.consultation.patient_id,
        site_id=locked.consultation.site_id,
        detail={"edit_id": edit.pk, "path": path},
    )
    return edit


# --- helpers -------------------------------------------------------------------------------


def _assign(consultation: Consultation, history: History) -> None:
    for name in _HISTORY_FIELDS:
        setattr(consultation, name, getattr(history, name))
    consultation.notes = history.notes.replace("\r\n", "\n")


def _require_draft(consultation: Consultation) -> None:
    if consultation.status != Status.DRAFT:
        raise Invalid(
            {
                "status": [
                    f"status: consultation {consultation.pk} is {consultation.status}; a "
                    "completed consultation and its plans no longer change"
                ]
            }
        )


def _validate(consultation: Consultation) -> None:
    """The knowledge base's checks first (codes, with nearest-code hints), then the model's."""
    errors = planning_adapter.validation_errors(consultation)
    if consultation.pregnant and consultation.childbearing_potential is False:
        errors.setdefault("childbearing_potential", []).append(
            "childbearing_potential: a pregnant patient has childbearing potential; record "
            'it as "yes" or "not stated", got "no"'
        )
    if errors:
        raise Invalid(errors)
    try:
        consultation.full_clean(exclude=["patient", "practitioner", "site"])
    except ValidationError as error:
        raise Invalid(_named(error, consultation)) from None


def _named(error: ValidationError, instance: Consultation) -> dict[str, list[str]]:
    """Django's messages, each prefixed with its field and followed by the value given."""
    named: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        value = getattr(instance, name, None)
        suffix = "" if name == "__all__" else f" (got {show(_jsonable(value))})"
        named[name] = [f"{name}: {message}{suffix}" for message in messages]
    return named


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
