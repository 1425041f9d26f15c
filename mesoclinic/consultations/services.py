"""Writes for consultations. Each is atomic, validated, and audited.

Each takes the acting member of staff (``actor``) and the object's id, and fetches the object
through the write accessor, which checks site, role and that the patient is not archived; then
checks the domain rules:
codes known to the knowledge base, a completed consultation no longer changes. Refusals raise
``core.errors.Invalid`` with messages that name the field and the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.errors import StaleConsultation
from mesoclinic.consultations.models import Consultation, Fitzpatrick, NeedleFear, Status
from mesoclinic.consultations.selectors import consultation_get_for_write
from mesoclinic.core.errors import Invalid, invalid_from
from mesoclinic.patients.selectors import patient_get_for_write

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User


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
# What an update may change: the date and the history (``only`` names a subset of these).
UPDATABLE_FIELDS = ("held_at", *_HISTORY_FIELDS)
# Old paper records may be entered late; nothing is held more than a year ahead. Outside these
# bounds a date is a typing slip, and near year 1 or 9999 a UTC offset would overflow the
# conversion every later step makes.
EARLIEST_HELD_AT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
MAX_DAYS_AHEAD = 366


def _check_held_at(held_at: dt.datetime) -> None:
    """``Invalid`` naming ``held_at`` unless it is aware and within the bounds above.

    Compared as aware values, which never converts (and so never overflows) the input.
    """
    shown = held_at.isoformat()
    if timezone.is_naive(held_at):
        raise Invalid({"held_at": [f"held_at: give a UTC offset, got {shown!r}"]})
    latest = timezone.now() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not EARLIEST_HELD_AT <= held_at <= latest:
        raise Invalid(
            {
                "held_at": [
                    f"held_at: {shown!r} is out of range; give a date from "
                    f"{EARLIEST_HELD_AT:%Y-%m-%d} to {latest:%Y-%m-%d}"
                ]
            }
        )


def consultation_create(
    *, actor: User, patient_id: int, held_at: dt.datetime, history: History
) -> Consultation:
    """A draft consultation of the patient by ``actor`` (the practitioner), at the patient's site.

    The patient is fetched through ``patient_get_for_write`` (``EDIT_CLINICAL``): another site's
    is ``NotFound``, a role without it ``Forbidden``, an archived patient ``PatientArchived``.
    Cost: the accessor's queries, 2 INSERTs and the checks.
    """
    patient = patient_get_for_write(
        actor,
        patient_id,
        capability=Capability.EDIT_CLINICAL,
        object_type="consultation",
        action=Action.CREATE,
    )
    _check_held_at(held_at)
    # The write in one transaction; the access check before it, so a refusal's audit row stays.
    with transaction.atomic():
        consultation = Consultation(
            patient=patient, practitioner=actor, site=patient.site, held_at=held_at
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


def consultation_update(
    *,
    actor: User,
    consultation_id: int,
    patient_id: int | None = None,
    held_at: dt.datetime,
    history: History,
    expected_version: int | None = None,
    only: Collection[str] | None = None,
) -> Consultation:
    """Replace the draft's date, history and concerns; a completed consultation is refused.

    Fetched through ``consultation_get_for_write`` (``patient_id``, when given, must be its
    patient's). The audit row lists the names of the fields that changed (never their values).

    Concurrency (optimistic locking, decision 0031): the row is re-read inside the transaction
    (locked: PostgreSQL row lock, SQLite's write lock taken at BEGIN) and the version checked in
    the UPDATE. With ``expected_version`` (the form's hidden field, the API's If-Match) a
    consultation changed since raises ``StaleConsultation`` (audited) and saves nothing. Without
    it only the fields in ``only`` (all when None) are written onto the current row, so
    concurrent changes of different fields all stay. Returns the stored consultation.
    """
    consultation = consultation_get_for_write(actor, consultation_id, patient_id=patient_id)
    names = [name for name in UPDATABLE_FIELDS if only is None or name in only]
    stale: StaleConsultation | None = None
    # The write in one transaction; the access check before it, so a refusal's audit row stays.
    with transaction.atomic():
        fresh = (
            # Only the consultation's row: locking the joined user and site rows too would make
            # concurrent requests deadlock with the sign-in's own writes to the user row.
            Consultation.objects.select_for_update(of=("self",))
            .select_related("patient__site", "site", "practitioner")
            .get(pk=consultation.pk)
        )
        consultation_require_draft(fresh)
        if expected_version is not None and fresh.version != expected_version:
            stale = StaleConsultation(fresh, expected=expected_version)
        else:
            _write_changes(actor, fresh, held_at, history, names)
    if stale is not None:
        # Outside the transaction, so the refusal's audit row cannot be rolled back with it.
        audit_denied(
            reason="stale_version",
            object_type="consultation",
            object_id=fresh.pk,
            patient_id=fresh.patient_id,
            action=Action.UPDATE,
        )
        raise stale
    return fresh


def _write_changes(
    actor: User, fresh: Consultation, held_at: dt.datetime, history: History, names: list[str]
) -> None:
    """Apply ``names`` of the new values to the locked row ``fresh``; bump its version."""
    if "held_at" in names:
        _check_held_at(held_at)
    before = {name: getattr(fresh, name) for name in names}
    incoming = History(**{name: getattr(fresh, name) for name in _HISTORY_FIELDS})
    incoming = replace(
        incoming, **{name: getattr(history, name) for name in names if name != "held_at"}
    )
    _assign(fresh, incoming)
    if "held_at" in names:
        fresh.held_at = held_at
    _validate(fresh)
    changed = [name for name, old in before.items() if getattr(fresh, name) != old]
    bumped = Consultation.objects.filter(pk=fresh.pk, version=fresh.version).update(
        version=F("version") + 1
    )
    if bumped != 1:  # pragma: no cover - the row is locked by now; defence in depth
        raise StaleConsultation(fresh, expected=fresh.version)
    fresh.version += 1
    fresh.save()
    audit_record(
        action=Action.UPDATE,
        object_type="consultation",
        object_id=fresh.pk,
        patient_id=fresh.patient_id,
        site_id=fresh.site_id,
        detail={"fields": changed, "by": actor.pk},
    )


def consultation_complete(
    *, actor: User, consultation_id: int, patient_id: int | None = None
) -> Consultation:
    """Mark a draft completed: from then on it, and its plans, no longer change.

    Refused (``Invalid`` on ``plan``) while the consultation's newest plan holds a
    prescription-only medicine that no prescriber has signed yet.

    Fetched through ``consultation_get_for_write``, as ``consultation_update``.
    """
    consultation = consultation_get_for_write(actor, consultation_id, patient_id=patient_id)
    # The write in one transaction; the access check before it, so a refusal's audit row stays.
    with transaction.atomic():
        consultation_require_draft(consultation)
        _require_signed_plan(consultation)
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
            detail={"status": Status.COMPLETED, "by": actor.pk},
        )
        return consultation


# --- helpers -------------------------------------------------------------------------------


def _assign(consultation: Consultation, history: History) -> None:
    for name in _HISTORY_FIELDS:
        setattr(consultation, name, getattr(history, name))
    consultation.notes = history.notes.replace("\r\n", "\n")


def consultation_require_draft(consultation: Consultation) -> None:
    """Raise ``Invalid`` naming the status unless the consultation is a draft.

    A completed consultation, and every plan made from it, no longer changes.
    """
    if consultation.status != Status.DRAFT:
        raise Invalid(
            {
                "status": [
                    f"status: consultation {consultation.pk} is {consultation.status}; a "
                    "completed consultation and its plans no longer change"
                ]
            }
        )


def _require_signed_plan(consultation: Consultation) -> None:
    # Imported here: plans builds on consultations, not the other way round, at import time.
    from mesoclinic.plans.models import PlanStatus, StoredPlan

    latest = (
        StoredPlan.objects.filter(consultation=consultation)
        .order_by("-created_at", "-id")
        .only("pk", "status")
        .first()
    )
    if latest is not None and latest.status == PlanStatus.AWAITING_PRESCRIBER:
        raise Invalid(
            {
                "plan": [
                    f"plan: plan {latest.pk} contains prescription-only medicines and awaits a "
                    "prescriber's signature; a prescriber must review and sign it before the "
                    "consultation is completed"
                ]
            }
        )


def _validate(consultation: Consultation) -> None:
    """The knowledge base's checks first (codes, with nearest-code hints), then the model's."""
    errors = planning_adapter.validation_errors(consultation)
    if problem := _held_at_problem(consultation):
        errors.setdefault("held_at", []).append(problem)
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
        raise invalid_from(error, instance=consultation) from None


def _held_at_problem(consultation: Consultation) -> str | None:
    """Why ``held_at`` cannot be right for this patient (before they were born), naming the
    date as the pages print it; None when it can. The bounds every consultation shares (more
    than a year ahead) are ``_check_held_at``'s."""
    day = timezone.localdate(consultation.held_at)
    shown = f"{day.day} {day:%B %Y}"
    born = consultation.patient.date_of_birth
    if day < born:
        return f"held_at: {shown} is before the patient was born ({born.day} {born:%B %Y})"
    return None
