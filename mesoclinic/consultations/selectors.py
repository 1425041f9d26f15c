"""Reads of consultations, each through ``patient_get_for_user`` and audited once.

Every function here takes the acting user first and checks, through the patients accessor, that
the patient is in one of the user's sites (else ``NotFound``, 404) and that the user's role has
the capability (else ``Forbidden``, 403); both refusals are audited there. A consultation
that does not exist, or that belongs to another patient than the one in the URL, is
``NotFound`` too, audited here. Each successful read records exactly one audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consultations.models import Consultation
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.models import Patient
from mesoclinic.patients.selectors import patient_get_for_user, patient_get_for_write

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User


def consultation_list(
    user: User, patient_id: int, *, capability: Capability = Capability.VIEW_CLINICAL
) -> tuple[Patient, list[Consultation]]:
    """The patient and their consultations, newest first, each with its plan count.

    Cost: a fixed number of queries whatever the count (patient, sites, audit INSERT, one
    SELECT with the practitioner joined and the plans counted).
    """
    patient = patient_get_for_user(
        user, patient_id, capability=capability, audit_action=None, object_type="consultation"
    )
    consultations: list[Consultation] = list(
        Consultation.objects.filter(patient=patient)
        .select_related("practitioner")
        .annotate(plan_count=Count("plans"))
        .order_by("-held_at", "-id")
    )
    audit_record(
        action=Action.LIST,
        object_type="consultation",
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={"count": len(consultations)},
    )
    return patient, consultations


def consultation_get_for_user(
    user: User,
    consultation_id: int,
    *,
    patient_id: int | None = None,
    capability: Capability = Capability.VIEW_CLINICAL,
    audit_action: Action | None = Action.VIEW,
) -> Consultation:
    """The consultation, if the user may reach its patient with ``capability``.

    ``patient_id``, when given (pages take it from the URL), must be the consultation's patient.
    ``audit_action`` None leaves the event to the caller (e.g. a service that writes).
    Cost: the consultation with patient, site and practitioner; the accessor's queries.
    """
    consultation = _consultation(consultation_id, patient_id)
    consultation.patient = patient_get_for_user(
        user,
        consultation.patient_id,
        capability=capability,
        audit_action=audit_action,
        object_type="consultation",
        object_id=consultation.pk,
        site_id=consultation.site_id,
    )
    return consultation


def consultation_get_for_write(
    user: User,
    consultation_id: int,
    *,
    patient_id: int | None = None,
    action: Action = Action.UPDATE,
) -> Consultation:
    """The consultation, for a write by ``user``: reachable with ``EDIT_CLINICAL``, and its
    patient not archived (``PatientArchived``, 409, audited as a refused ``action``).

    The one way services that write to a consultation or its plans fetch it. Records no VIEW
    event: the service audits its write.
    """
    consultation = _consultation(consultation_id, patient_id)
    consultation.patient = patient_get_for_write(
        user,
        consultation.patient_id,
        capability=Capability.EDIT_CLINICAL,
        object_type="consultation",
        action=action,
    )
    return consultation


def _consultation(consultation_id: int, patient_id: int | None) -> Consultation:
    """The consultation with its patient, site and practitioner; ``NotFound`` (audited) if there
    is none, or if it is not ``patient_id``'s."""
    consultation = (
        Consultation.objects.select_related("patient__site", "site", "practitioner")
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None or (patient_id is not None and consultation.patient_id != patient_id):
        audit_denied(
            reason="no_such_consultation",
            object_type="consultation",
            object_id=consultation_id,
            patient_id=patient_id if patient_exists(patient_id) else None,
        )
        raise NotFound("No such consultation.")
    return consultation


def patient_exists(patient_id: int | None) -> bool:
    """Whether the id names a patient, to fill a refusal's audit row."""
    # The audit row's patient is a foreign key: a made-up id in a URL must not break the insert.
    return patient_id is not None and Patient.objects.filter(pk=patient_id).exists()
