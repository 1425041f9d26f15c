"""Reads for consent, each through ``patient_get_for_user`` and each audited.

Reading consent needs ``VIEW_CLINICAL``; the signing and photo-consent forms need
``TAKE_CONSENT``. A record asked for under the wrong patient, or one that does not exist, is
"not found" exactly like another site's record, and the refusal is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesoclinic.accounts.access import Capability, require
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied
from mesoclinic.consent.models import (
    ConsentRecord,
    ConsentTemplate,
    PhotoConsent,
    SignatureMethod,
    Treatment,
)
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.selectors import patient_get_for_user

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient


@dataclass(frozen=True)
class ConsentOverview:
    patient: Patient
    records: list[ConsentRecord]
    photo_consents: list[PhotoConsent]
    current_photo_consent: PhotoConsent | None
    current_templates: list[ConsentTemplate]


@dataclass(frozen=True)
class SignForm:
    patient: Patient
    treatment: Treatment
    template: ConsentTemplate | None  # None: no version published yet for the treatment


@dataclass(frozen=True)
class PhotoConsentForm:
    patient: Patient
    current: PhotoConsent | None


def photo_consent_current(patient: Patient, *, lock: bool = False) -> PhotoConsent | None:
    """The patient's current photo consent: their latest one, unless it was withdrawn.

    No access check: for services and selectors that have already checked access to
    ``patient``. ``lock`` takes a row lock (PostgreSQL; SQLite serialises writers anyway).
    Cost: one indexed query.
    """
    rows = PhotoConsent.objects.filter(patient=patient).order_by("-given_at", "-id")
    if lock:
        rows = rows.select_for_update()
    latest = rows.first()
    return latest if latest is not None and latest.withdrawn_at is None else None


def consent_template_current(treatment: str) -> ConsentTemplate | None:
    """The version of ``treatment``'s consent that patients sign now; not patient data."""
    return ConsentTemplate.objects.filter(treatment=treatment, is_current=True).first()


def consent_overview_for_user(user: User, patient_id: int) -> ConsentOverview:
    """A patient's signed consents, photo consent history and the forms they can sign.

    Audits one LIST event. Cost: five queries whatever the number of records (patient,
    user's sites, audit INSERT, records with their templates and staff, photo consents,
    current templates).
    """
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.VIEW_CLINICAL,
        audit_action=Action.LIST,
        object_type="consent_record",
    )
    records = list(
        ConsentRecord.objects.filter(patient=patient).select_related("template", "taken_by")
    )
    photo_consents = list(
        PhotoConsent.objects.filter(patient=patient).select_related("recorded_by", "withdrawn_by")
    )
    latest = photo_consents[0] if photo_consents else None
    return ConsentOverview(
        patient=patient,
        records=records,
        photo_consents=photo_consents,
        current_photo_consent=latest if latest is not None and not latest.is_withdrawn else None,
        current_templates=list(ConsentTemplate.objects.filter(is_current=True)),
    )


def consent_records_for_user(user: User, patient_id: int) -> list[ConsentRecord]:
    """A patient's signed consents, newest first; audits one LIST event."""
    return consent_overview_for_user(user, patient_id).records


def photo_consents_for_user(user: User, patient_id: int) -> list[PhotoConsent]:
    """A patient's photo consent history, newest first; audits one LIST event."""
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.VIEW_CLINICAL,
        audit_action=Action.LIST,
        object_type="photo_consent",
    )
    return list(
        PhotoConsent.objects.filter(patient=patient).select_related("recorded_by", "withdrawn_by")
    )


def consent_record_get_for_user(
    user: User,
    record_id: int,
    *,
    patient_id: int | None = None,
    audit_action: Action = Action.VIEW,
    object_type: str = "consent_record",
) -> ConsentRecord:
    """One signed consent, if the user may read the patient's clinical record.

    ``patient_id``, when given (pages), must be the record's patient, or the record is not
    found. ``audit_action`` is VIEW for the record, DOWNLOAD for its signature image.
    Cost: the record with its template and staff, then ``patient_get_for_user``'s queries.
    """
    record = (
        ConsentRecord.objects.select_related("template", "taken_by").filter(pk=record_id).first()
    )
    if record is None or (patient_id is not None and record.patient_id != patient_id):
        audit_denied(
            reason="no_such_record",
            object_type=object_type,
            object_id=record_id,
            action=audit_action,
        )
        raise NotFound("No such consent record.")
    record.patient = patient_get_for_user(
        user,
        record.patient_id,
        capability=Capability.VIEW_CLINICAL,
        audit_action=audit_action,
        object_type=object_type,
        object_id=record.pk,
    )
    return record


def consent_signature_for_user(
    user: User, record_id: int, *, patient_id: int | None = None
) -> ConsentRecord:
    """The record whose drawn signature the user downloads; a typed one has no image (404)."""
    record = consent_record_get_for_user(
        user,
        record_id,
        patient_id=patient_id,
        audit_action=Action.DOWNLOAD,
        object_type="consent_signature",
    )
    if record.method != SignatureMethod.DRAWN or not record.signature:
        raise NotFound("This consent was signed with a typed name: there is no signature image.")
    return record


def consent_sign_form_for_user(user: User, patient_id: int, treatment: str) -> SignForm:
    """What the signing page shows: the patient and the current version of the consent text.

    An unknown treatment code is "not found". Audits one VIEW event on ``consent_form``.
    """
    if treatment not in Treatment.values:
        raise NotFound(f"No consent form for treatment {treatment!r}.")
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.TAKE_CONSENT,
        audit_action=Action.VIEW,
        object_type="consent_form",
    )
    return SignForm(
        patient=patient,
        treatment=Treatment(treatment),
        template=consent_template_current(treatment),
    )


def photo_consent_form_for_user(user: User, patient_id: int) -> PhotoConsentForm:
    """The patient and their current photo consent, for the form that records a new one."""
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.TAKE_CONSENT,
        audit_action=Action.VIEW,
        object_type="photo_consent",
    )
    return PhotoConsentForm(patient=patient, current=photo_consent_current(patient))


def consent_templates_for_user(user: User) -> list[ConsentTemplate]:
    """Every version of every treatment's consent, current first within each treatment.

    Templates are clinic-wide text, not patient data: reading them needs ``VIEW_CLINICAL``
    and is not audited (publishing is). Cost: one query.
    """
    require(user, Capability.VIEW_CLINICAL, what="consent_template")
    return list(
        ConsentTemplate.objects.select_related("created_by").order_by("treatment", "-version")
    )


def consent_template_get_for_user(user: User, template_id: int) -> ConsentTemplate:
    """One version of a consent text (``VIEW_CLINICAL``); an unknown id is "not found"."""
    require(user, Capability.VIEW_CLINICAL, what="consent_template")
    template = ConsentTemplate.objects.select_related("created_by").filter(pk=template_id).first()
    if template is None:
        raise NotFound("No such consent template.")
    return template
