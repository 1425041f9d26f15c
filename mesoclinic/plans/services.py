"""Writes for stored plans: generate, edit one value with a reason, sign as a prescriber.

Each is atomic, validated and audited, takes the acting member of staff (``actor``) and the
object's id, and fetches the object through the write accessor (site, role, patient not
archived); then checks the domain rules: a completed consultation's plans no longer change,
an edit has a reason. Refusals raise ``core.errors.Invalid`` with messages that name the field
and the value.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.selectors import consultation_get_for_write
from mesoclinic.consultations.services import consultation_require_draft
from mesoclinic.core.errors import Forbidden, Invalid
from mesoclinic.planning.errors import PlanningError
from mesoclinic.plans.edits import EditError, apply_edit, show
from mesoclinic.plans.errors import StalePlan
from mesoclinic.plans.models import PlanEdit, PlanStatus, StoredPlan
from mesoclinic.plans.prescribing import prescription_only_substances
from mesoclinic.plans.selectors import plan_get_for_write

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User

MAX_REASON = 2_000
MAX_START_AHEAD = dt.timedelta(days=366)


def plan_generate(
    *,
    actor: User,
    consultation_id: int,
    patient_id: int | None = None,
    start_date: dt.date | None = None,
) -> StoredPlan:
    """Run the engine on the consultation and store its plan (original and current copies).

    ``start_date`` defaults to the day after the consultation at the clinic. Refused for a
    completed consultation, one without concerns, and a start before the consultation's date.
    The consultation is fetched through ``consultation_get_for_write`` (an archived patient is
    ``PatientArchived``). Cost: one engine run (well under a millisecond), one INSERT, one audit
    row, and the accessor's queries.
    """
    consultation = consultation_get_for_write(
        actor, consultation_id, patient_id=patient_id, action=Action.CREATE
    )
    # The write in one transaction; the access check before it, so a refusal's audit row stays.
    with transaction.atomic():
        consultation_require_draft(consultation)
        errors: dict[str, list[str]] = {}
        if not consultation.concerns:
            errors["concerns"] = [
                "concerns: a plan needs at least one concern with a zone; none are recorded "
                "(got [])"
            ]
        held_on = planning_adapter.clinic_date(consultation.held_at, consultation.site)
        if start_date is not None and start_date < held_on:
            errors["start_date"] = [
                f"start_date: the first visit cannot be before the consultation ({held_on}), "
                f"got {start_date.isoformat()}"
            ]
        elif start_date is not None and start_date > held_on + MAX_START_AHEAD:
            # A typing slip; and a course from a date near 9999 would run past the calendar.
            errors["start_date"] = [
                f"start_date: the first visit must be within {MAX_START_AHEAD.days} days of "
                f"the consultation ({held_on}), got {start_date.isoformat()}"
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
            created_by=actor,
            knowledge_version=output["knowledge_version"],
            request=request,
            engine_output=output,
            current=copy.deepcopy(output),
            status=_unsigned_status(output),
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
                "status": plan.status,
            },
        )
        return plan


def plan_edit(
    *,
    actor: User,
    plan_id: int,
    consultation_id: int | None = None,
    patient_id: int | None = None,
    path: str,
    value: object,
    reason: str,
    expected_version: int | None = None,
) -> PlanEdit:
    """Change one value of the plan's ``current`` document, recording old, new and why.

    The engine's original (``engine_output``) is never touched. Every problem is reported at
    once: a missing reason, a path that is not editable or not in this plan (with the nearest
    one), a value of the wrong kind. The plan row is re-read under a lock so that two edits at
    once both apply (PostgreSQL ``FOR UPDATE``; SQLite serialises writers at BEGIN). Fetched
    through ``plan_get_for_write`` first (``consultation_id`` and ``patient_id``, when given,
    must be the plan's).

    Optimistic locking (decision 0031): with ``expected_version`` (the form's hidden field, the
    API's If-Match) a plan edited or signed since raises ``StalePlan`` (audited) and saves
    nothing; the version is checked in the UPDATE. Without it the edit applies to the plan as
    it is, one path at a time, as before.
    """
    plan = plan_get_for_write(
        actor, plan_id, consultation_id=consultation_id, patient_id=patient_id
    )
    # The write in one transaction; the access check before it, so a refusal's audit row stays.
    with transaction.atomic():
        locked = (
            StoredPlan.objects.select_for_update(of=("self",))
            .select_related("consultation")
            .get(pk=plan.pk)
        )
        consultation_require_draft(locked.consultation)
        if expected_version is not None and locked.version != expected_version:
            stale = StalePlan(locked, expected=expected_version)
        else:
            return _apply_edit(actor, locked, path, value, reason)
    # Outside the transaction, so the refusal's audit row cannot be rolled back with it.
    audit_denied(
        reason="stale_version",
        object_type="plan",
        object_id=locked.pk,
        patient_id=locked.consultation.patient_id,
        action=Action.UPDATE,
    )
    raise stale


def _apply_edit(actor: User, locked: StoredPlan, path: str, value: object, reason: str) -> PlanEdit:
    """The edit on the locked plan row: checked, stored, the version bumped, audited."""
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
        errors.setdefault(error.field, []).append(f"{error.field}: {error.message}")
    if errors:
        raise Invalid(errors)
    locked.current = updated
    # A signature covers the plan as the prescriber read it: a change needs a new one.
    unsigned_from = locked.signed_by_id if locked.status == PlanStatus.SIGNED else None
    locked.status = _unsigned_status(updated)
    locked.signed_by, locked.signed_at, locked.signer_registration = None, None, ""
    bumped = StoredPlan.objects.filter(pk=locked.pk, version=locked.version).update(
        version=F("version") + 1
    )
    if bumped != 1:  # pragma: no cover - the row is locked by now; defence in depth
        raise StalePlan(locked, expected=locked.version)
    locked.version += 1
    locked.save(
        update_fields=["current", "status", "signed_by", "signed_at", "signer_registration"]
    )
    edit = PlanEdit(
        plan=locked,
        path=path,
        old_value=old_value,
        new_value=new_value,
        reason=reason_text,
        edited_by=actor,
    )
    edit.full_clean()
    edit.save()
    audit_record(
        action=Action.UPDATE,
        object_type="plan",
        object_id=locked.pk,
        patient_id=locked.consultation.patient_id,
        site_id=locked.consultation.site_id,
        detail={
            "edit_id": edit.pk,
            "path": path,
            "status": locked.status,
            **({"signature_cleared_of": unsigned_from} if unsigned_from else {}),
        },
    )
    return edit


def plan_sign(
    *,
    actor: User,
    plan_id: int,
    consultation_id: int | None = None,
    patient_id: int | None = None,
) -> StoredPlan:
    """A prescriber reviews and signs a plan that awaits one: who, when, registration number.

    Fetched through ``plan_get_for_write`` (``action`` SIGN). Only a prescriber with a
    registration number may sign (else ``Forbidden``, audited); only a plan awaiting a
    prescriber can be signed (else ``Invalid`` naming its status). Signing changes nothing in
    the plan itself, so it is allowed after the consultation is completed. Audited as SIGN.
    """
    plan = plan_get_for_write(
        actor, plan_id, consultation_id=consultation_id, patient_id=patient_id, action=Action.SIGN
    )
    if not (actor.is_prescriber and actor.registration_number.strip()):
        audit_denied(
            reason="not_prescriber",
            object_type="plan",
            object_id=plan.pk,
            patient_id=plan.consultation.patient_id,
            action=Action.SIGN,
        )
        raise Forbidden(
            f"{actor} is not a prescriber: only a prescriber with a registration number can sign "
            "a plan with prescription-only medicines."
        )
    with transaction.atomic():
        locked = StoredPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.AWAITING_PRESCRIBER:
            raise Invalid(
                {
                    "status": [
                        f"status: plan {locked.pk} is {locked.get_status_display().lower()}; "
                        "only a plan awaiting a prescriber can be signed"
                    ]
                }
            )
        locked.status = PlanStatus.SIGNED
        locked.signed_by = actor
        locked.signed_at = timezone.now()
        locked.signer_registration = actor.registration_number.strip()
        locked.full_clean()
        locked.version += 1
        locked.save(
            update_fields=["status", "signed_by", "signed_at", "signer_registration", "version"]
        )
        audit_record(
            action=Action.SIGN,
            object_type="plan",
            object_id=locked.pk,
            patient_id=plan.consultation.patient_id,
            site_id=plan.consultation.site_id,
            detail={
                "registration_number": locked.signer_registration,
                "substances": prescription_only_substances(
                    locked.current, planning_adapter.knowledge()
                ),
            },
        )
    locked.consultation = plan.consultation
    return locked


def _unsigned_status(plan: dict[str, object]) -> PlanStatus:
    pom = prescription_only_substances(plan, planning_adapter.knowledge())
    return PlanStatus.AWAITING_PRESCRIBER if pom else PlanStatus.READY
