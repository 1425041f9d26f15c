"""Writes of patients: register, update, archive, restore. Each one audited.

Rules of this module:
1. Access is checked before the transaction opens, so that the audit row of a refusal is not
   rolled back with the write it refused.
2. Rules that the database cannot hold (date of birth in range, possible duplicates) are
   checked here and raised as ``Invalid`` / ``PossibleDuplicate``, each message naming the field
   and the value; the model's ``full_clean()`` then checks the rest.
3. The audit row of a write is written in the write's transaction: both commit or neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import Conflict, Invalid
from mesoclinic.core.time import today_in
from mesoclinic.patients.errors import PatientArchived, PossibleDuplicate, StaleRecord
from mesoclinic.patients.fields import shown
from mesoclinic.patients.models import Patient, PatientNameToken, name_tokens
from mesoclinic.patients.selectors import patient_get_for_user, patient_possible_duplicates

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User

EARLIEST_DATE_OF_BIRTH = dt.date(1900, 1, 1)
# Restoring an archived record is a manager's decision. No capability names it yet, so the
# manager-only MANAGE_STAFF stands in; a RESTORE_PATIENT capability would say it better.
RESTORE_CAPABILITY = Capability.MANAGE_STAFF


@dataclass(frozen=True)
class PatientDetails:
    """What staff type about a patient: everything but the site and the derived columns."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""

    @classmethod
    def of(cls, patient: Patient) -> PatientDetails:
        return cls(**{field.name: getattr(patient, field.name) for field in fields(cls)})


DETAIL_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(PatientDetails))


def patient_create(
    *,
    actor: User,
    site_id: int,
    details: PatientDetails,
    confirm_duplicate: bool = False,
) -> Patient:
    """Register a patient at one of the actor's sites (Capability.EDIT_PATIENT).

    Raises ``Forbidden`` for a role without the capability, ``Invalid`` for a site that is not
    the actor's or details that break a rule, and ``PossibleDuplicate`` when a non-archived
    patient of the site has the same name and date of birth or the same phone, unless
    ``confirm_duplicate``. The candidates shown are audited (SEARCH, "patient_duplicates");
    the registration is audited (CREATE), with the candidates it was confirmed over.
    Cost: about 8 queries (duplicate check, constraint checks, INSERTs).
    """
    require(actor, Capability.EDIT_PATIENT, what="patient")
    if site_id not in site_ids(actor):
        audit_denied(reason=f"other_site:{site_id}", object_type="patient", action=Action.CREATE)
        raise Invalid({"site": [f"Site: {site_id} is not one of your sites."]})
    _check_rules(details, today=today_in(Site.objects.get(pk=site_id).zone))
    candidates = patient_possible_duplicates(
        site_id=site_id,
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        phone=details.phone,
    )
    if candidates and not confirm_duplicate:
        audit_record(
            action=Action.SEARCH,
            object_type="patient_duplicates",
            site_id=site_id,
            detail={"candidates": [candidate.pk for candidate in candidates]},
        )
        raise PossibleDuplicate(candidates)
    with transaction.atomic():
        patient = Patient(
            site_id=site_id,
            created_by=actor,
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            sex=details.sex,
            email=details.email,
            phone=details.phone,
            address=details.address,
        )
        _full_clean(patient)
        patient.save()
        audit_record(
            action=Action.CREATE,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            site_id=site_id,
            detail={"duplicate_confirmed": [c.pk for c in candidates]} if candidates else None,
        )
    return patient


def patient_update(
    *,
    actor: User,
    patient_id: int,
    details: PatientDetails,
    expected_version: int | None = None,
    only: Collection[str] | None = None,
) -> Patient:
    """Change the patient's details; audit UPDATE with the names (never values) of changed fields.

    Concurrency (optimistic locking): the row is re-read inside the transaction (locked: PostgreSQL
    row lock, SQLite's write lock taken at BEGIN) and the version checked in the UPDATE. With
    ``expected_version`` (the form's hidden field, the API's If-Match) a record changed since
    raises ``StaleRecord`` and saves nothing. Without it, only the fields in ``only`` (all when
    None) are written onto the current row, so concurrent changes of different fields all stay.

    Raises ``NotFound``/``Forbidden`` (audited) if the actor may not edit the patient,
    ``PatientArchived`` (audited) for an archived patient, ``Invalid`` for a broken rule.
    When nothing changed it saves nothing and records a VIEW (the caller shows the record).
    Returns the stored record; a refusal carries it (``StaleRecord.current``,
    ``PatientArchived.patient``).
    """
    patient = _for_write(actor, patient_id, Capability.EDIT_PATIENT)
    _check_rules(details, today=today_in(patient.site.zone))
    names = [name for name in DETAIL_FIELDS if only is None or name in only]
    refusal: Conflict | None = None
    with transaction.atomic():
        # Only the patient row is locked (not its site, which every patient shares).
        fresh = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=patient.pk)
        )
        if fresh.is_archived:
            refusal = PatientArchived(fresh)
        elif expected_version is not None and fresh.version != expected_version:
            refusal = StaleRecord(fresh, expected=expected_version)
        else:
            _write_changes(fresh, details, names)
    if refusal is not None:
        # Outside the transaction, so the refusal's audit row cannot be rolled back with it.
        reason = "archived" if isinstance(refusal, PatientArchived) else "stale_version"
        audit_denied(
            reason=reason,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            action=Action.UPDATE,
        )
        raise refusal
    return fresh


def _write_changes(fresh: Patient, details: PatientDetails, names: list[str]) -> None:
    """Apply ``details``' ``names`` to the locked row ``fresh``; the UPDATE bumps its version."""
    changed = [name for name in names if getattr(fresh, name) != getattr(details, name)]
    if not changed:
        _audit_unchanged(fresh, "update")
        return
    for name in changed:
        setattr(fresh, name, getattr(details, name))
    _full_clean(fresh)
    bumped = Patient.objects.filter(pk=fresh.pk, version=fresh.version).update(
        version=F("version") + 1
    )
    if bumped != 1:  # pragma: no cover - the row is locked by now; defence in depth
        raise StaleRecord(fresh, expected=fresh.version)
    fresh.version += 1
    fresh.save()
    audit_record(
        action=Action.UPDATE,
        object_type="patient",
        object_id=fresh.pk,
        patient_id=fresh.pk,
        site_id=fresh.site_id,
        detail={"fields": changed},
    )


def patient_archive(*, actor: User, patient_id: int) -> Patient:
    """Archive the patient (Capability.EDIT_PATIENT): the record becomes read-only.

    Archived patients leave the default list and duplicate checks; nothing is deleted.
    Archiving an archived patient changes nothing and records a VIEW (the caller shows it).
    """
    patient = _for_write(actor, patient_id, Capability.EDIT_PATIENT)
    if patient.is_archived:
        _audit_unchanged(patient, "archive")
        return patient
    with transaction.atomic():
        patient.archived_at = timezone.now()
        patient.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            action=Action.ARCHIVE,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            site_id=patient.site_id,
        )
    return patient


def patient_unarchive(*, actor: User, patient_id: int) -> Patient:
    """Restore an archived patient (managers: ``RESTORE_CAPABILITY``).

    Audited as UPDATE of ``archived_at`` with ``"restored": true`` (the audit's actions have no
    separate "restore"). Restoring a patient who is not archived changes nothing and records a
    VIEW (the caller shows the record).
    """
    patient = _for_write(actor, patient_id, RESTORE_CAPABILITY)
    if not patient.is_archived:
        _audit_unchanged(patient, "restore")
        return patient
    with transaction.atomic():
        patient.archived_at = None
        patient.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            action=Action.UPDATE,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            site_id=patient.site_id,
            detail={"fields": ["archived_at"], "restored": True},
        )
    return patient


@transaction.atomic
def patient_search_reindex() -> int:
    """Rebuild every patient's name tokens; for after bulk loads that bypass ``save()``.

    Returns the number of tokens written. Cost: one pass over all patients, batched inserts.
    """
    PatientNameToken.objects.all().delete()
    written = 0
    batch: list[PatientNameToken] = []
    rows = Patient.objects.values_list("id", "site_id", "search_name").iterator(chunk_size=2000)
    for patient_id, site_id, search_name in rows:
        batch.extend(
            PatientNameToken(patient_id=patient_id, site_id=site_id, token=token)
            for token in sorted(name_tokens(search_name))
        )
        if len(batch) >= 5000:
            written += len(PatientNameToken.objects.bulk_create(batch))
            batch = []
    written += len(PatientNameToken.objects.bulk_create(batch))
    return written


def _audit_unchanged(patient: Patient, asked: str) -> None:
    """A write that changed nothing still hands the record back: record that read."""
    audit_record(
        action=Action.VIEW,
        object_type="patient",
        object_id=patient.pk,
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={"unchanged": asked},
    )


def _for_write(actor: User, patient_id: int, capability: Capability) -> Patient:
    """The patient through the accessor (site and role checked, refusals audited), whatever
    the caller read before: a service is safe on its own. The archived state is each write's
    to judge (archive is idempotent, restore needs it, update refuses it)."""
    return patient_get_for_user(actor, patient_id, capability=capability, audit_action=None)


def _check_rules(details: PatientDetails, *, today: dt.date) -> None:
    # ``today`` at the patient's clinic: a baby born there this morning is not "in the future".
    born = details.date_of_birth
    shown = f"{born:%d/%m/%Y}"
    if born > today:
        message = f"Date of birth: {shown} is in the future (today is {today:%d/%m/%Y})."
        raise Invalid({"date_of_birth": [message]})
    if born < EARLIEST_DATE_OF_BIRTH:
        raise Invalid(
            {
                "date_of_birth": [
                    f"Date of birth: {shown} is before "
                    f"{EARLIEST_DATE_OF_BIRTH:%d/%m/%Y}; check the year."
                ]
            }
        )


def _full_clean(patient: Patient) -> None:
    """``full_clean``, its errors raised as ``Invalid`` naming each field's value."""
    try:
        patient.full_clean()
    except ValidationError as error:
        raise Invalid(
            {
                field: [f"{field}: {shown(getattr(patient, field, ''))}: {text}" for text in texts]
                for field, texts in error.message_dict.items()
            }
        ) from error
