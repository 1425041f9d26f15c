"""Reads of patients, each with its access check and audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesoclinic.accounts.access import Capability, check_site, require
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.models import Patient

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User


def patient_get_for_user(
    user: User,
    patient_id: int,
    *,
    capability: Capability = Capability.VIEW_PATIENT,
    audit_action: Action | None = Action.VIEW,
    object_type: str = "patient",
) -> Patient:
    """The patient, if the user may reach them with ``capability``; the one accessor.

    Another site's patient, or none, raises ``NotFound`` (404); a role without ``capability``
    raises ``Forbidden`` (403). Both refusals are audited. On success an event with
    ``audit_action`` is recorded against ``object_type`` (pass None when the caller records a
    more specific event itself). Cost: one query for the patient, one for the user's sites
    (cached per request), one INSERT for the audit row.
    """
    patient = Patient.objects.select_related("site").filter(pk=patient_id).first()
    if patient is None:
        audit_denied(reason="no_such_patient", object_type=object_type, object_id=patient_id)
        raise NotFound("No such patient.")
    check_site(
        user, patient.site_id, what=object_type, object_id=patient.pk, patient_id=patient.pk
    )
    require(user, capability, what=object_type, patient_id=patient.pk)
    if audit_action is not None:
        audit_record(
            action=audit_action,
            object_type=object_type,
            object_id=patient.pk,
            patient_id=patient.pk,
            site_id=patient.site_id,
        )
    return patient
