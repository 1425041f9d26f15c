"""Writes for stored plans: generate from a consultation, edit one value with a reason.

Each is atomic, validated and audited. Callers have fetched the consultation or plan through
``consultations.selectors`` or ``plans.selectors``, which check site and role; services check
the domain rules: a completed consultation's plans no longer change, an edit has a reason.
Refusals raise ``core.errors.Invalid`` with messages that name the field and the value.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.services import consultation_require_draft
from mesoclinic.core.errors import Invalid
from mesoclinic.planning.errors import PlanningError
from mesoclinic.plans.edits import EditError, apply_edit, show
from mesoclinic.plans.models import PlanEdit, StoredPlan

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User

MAX_REASON = 2_000


@transaction.atomic
def plan_generate(
    *, consultation: Consultation, by: User, start_date: dt.date | None = None
) -> StoredPlan:
    """Run the engine on the consultation and store its plan (original and current copies).

    ``start_date`` defaults to the day after the consultation at the clinic. Refused for a
    completed consultation, one without concerns, and a start before the consultation's date.
    Cost: one engine run (well under a millisecond), one INSERT, one audit row.
    """
    consultation_require_draft(consultation)
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
    consultation_require_draft(locked.consultation)
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
