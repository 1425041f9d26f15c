"""Writes for consent: publish a template version, sign consent, record and withdraw photo consent.

Each service checks the acting user's access itself (through ``patient_get_for_write``, which
also refuses writes to an archived patient's record, ``patient_get_for_user`` or ``require``),
validates everything it is given, refuses with ``Invalid`` naming each field and
bad value, writes inside one transaction and records one audit event in it. The access check
runs before that transaction opens, so the audit row of a refusal is committed, not rolled back
with the refused write.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoclinic.accounts.access import Capability, require
from mesoclinic.audit.context import current
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consent.models import (
    PHOTO_SCOPES,
    ConsentRecord,
    ConsentTemplate,
    PhotoConsent,
    SignatureMethod,
    Treatment,
)
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.consent.signature import SignatureRejected, signature_png
from mesoclinic.core.errors import Invalid, NotFound, invalid_from
from mesoclinic.patients.models import normalise_name
from mesoclinic.patients.selectors import patient_get_for_user, patient_get_for_write

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_NAME = 200


def _shown(value: object, limit: int = 40) -> str:
    """A bad value as the user typed it, shortened, for an error message."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def consent_template_publish(
    *, actor: User, treatment: str, title: str, body: str
) -> ConsentTemplate:
    """Publish the next version of ``treatment``'s consent and make it the current one.

    Earlier versions stay unchanged (records that were signed against them keep pointing at
    exactly what the patient read); only their ``is_current`` flag is cleared. Needs
    ``PUBLISH_CONSENT`` (managers): the clinic answers for the wording its patients sign, so a
    practitioner cannot change it for everyone; practitioners take consent.
    Cost: one locking read of the treatment's versions, one UPDATE, one INSERT, one audit row.
    """
    require(actor, Capability.PUBLISH_CONSENT, what="consent_template")
    title = title.strip()
    # Browsers send a textarea's line breaks as CRLF; the text is stored with plain newlines,
    # so the same wording from the page and from the API is the same text.
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    errors: dict[str, list[str]] = {}
    if treatment not in Treatment.values:
        errors["treatment"] = [
            f"Treatment {_shown(treatment)} is not one of: {', '.join(Treatment.values)}."
        ]
    if not title:
        errors["title"] = ["Title is blank: give the form a title patients will recognise."]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"Title is {len(title)} characters long; at most {MAX_TITLE}."]
    if not body.strip():
        errors["body"] = ["Consent text is blank: paste the full text the patient will read."]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"Consent text is {len(body)} characters long; at most {MAX_BODY}."]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        return _publish(actor=actor, treatment=treatment, title=title, body=body)


def _publish(*, actor: User, treatment: str, title: str, body: str) -> ConsentTemplate:
    versions = list(
        ConsentTemplate.objects.select_for_update().filter(treatment=treatment).order_by("-version")
    )
    latest = versions[0] if versions else None
    if latest is not None and latest.title == title and latest.body == body:
        raise Invalid(
            {
                "body": [
                    f"Consent text is identical to version {latest.version}: nothing to publish."
                ]
            }
        )
    for old in versions:
        if old.is_current:
            old.is_current = False
            old.save(update_fields=["is_current"])
    template = ConsentTemplate(
        treatment=treatment,
        title=title,
        body=body,
        version=(latest.version + 1) if latest is not None else 1,
        created_by=actor,
        is_current=True,
    )
    try:
        template.full_clean()
        with transaction.atomic():
            template.save()
    except ValidationError as error:
        raise invalid_from(error) from None
    except IntegrityError:
        # Two versions published at the same instant: the unique constraints let one through.
        raise Invalid(
            {"treatment": ["Another version was published at the same moment; try again."]}
        ) from None
    audit_record(
        action=Action.CREATE,
        object_type="consent_template",
        object_id=template.pk,
        detail={"treatment": treatment, "version": template.version},
    )
    return template


def is_patients_name(signed_name: str, patient: Patient) -> bool:
    """Whether ``signed_name`` holds every word of the patient's family name and the first word
    of their given name, compared as search compares names (case, accents and punctuation
    folded): "alice anderson", "Alice M. Anderson" and "ANDERSON Alice" are Alice Anderson."""

    def words(text: str) -> set[str]:
        return {part for part in re.split(r"[^\w]+", normalise_name(text)) if part}

    signed = words(signed_name)
    first_given = patient.given_name.split()[:1]
    return words(patient.family_name) <= signed and words(" ".join(first_given)) <= signed


def consent_record_sign(
    *,
    actor: User,
    patient_id: int,
    template_id: int | None,
    signed_name: str,
    method: str,
    signature: str,
    confirmed: bool,
    name_checked: bool = False,
) -> ConsentRecord:
    """Record the patient's signed consent to the template version they were shown.

    A typed or printed name that is not the patient's name on record (``is_patients_name``)
    is refused unless ``name_checked`` says staff checked it (a new family name, a name the
    patient prefers): consent signed under a stranger's name is a mistake caught now or never.

    An archived patient's record is read-only (``PatientArchived``, audited).
    Refuses (``Invalid``, one entry per bad field): an unknown template; a template version
    that is no longer current (the patient must sign what is current: the page shows the new
    text); a blank name; no confirmation; for a drawn signature, a blank, tiny or malformed
    drawing (``consent.signature``). The signature PNG is written through the storage API
    before the row; if the row cannot be written, the file is removed again.
    Records the time (UTC), the IP of the request and the member of staff; audits SIGN.
    """
    patient = patient_get_for_write(
        actor,
        patient_id,
        capability=Capability.TAKE_CONSENT,
        object_type="consent_record",
        action=Action.SIGN,
    )
    errors: dict[str, list[str]] = {}
    template = (
        ConsentTemplate.objects.filter(pk=template_id).first() if template_id is not None else None
    )
    if template is None:
        errors["template_id"] = [
            f"Consent form {_shown(template_id)} does not exist; open the form again."
        ]
    elif not template.is_current:
        current_version = (
            ConsentTemplate.objects.filter(treatment=template.treatment, is_current=True)
            .values_list("version", flat=True)
            .first()
        )
        errors["template_id"] = [
            f"Consent form version {template.version} of “{template.title}” has been replaced "
            f"by version {current_version} since the page was opened: read the new version "
            "with the patient, then confirm and sign again."
        ]
    signed_name = " ".join(signed_name.split())
    if not signed_name:
        errors["signed_name"] = ["Full name is blank: the patient types their full name."]
    elif len(signed_name) > MAX_NAME:
        errors["signed_name"] = [f"Full name is {len(signed_name)} characters; at most {MAX_NAME}."]
    elif not name_checked and not is_patients_name(signed_name, patient):
        errors["signed_name"] = [
            f"Full name “{signed_name[:40]}{'…' if len(signed_name) > 40 else ''}” is not the "
            "patient's name on record "
            f"({patient.given_name} {patient.family_name}): check it with the patient, or tick "
            "“The name is right as typed” to sign with it."
        ]
    if not confirmed:
        errors["confirmed"] = [
            "Confirmation is not ticked: the patient confirms they have read and understood."
        ]
    png: bytes | None = None
    if method == SignatureMethod.DRAWN:
        try:
            png = signature_png(signature)
        except SignatureRejected as rejected:
            errors["signature"] = [f"Signature {rejected.message}"]
    elif method != SignatureMethod.TYPED:
        errors["method"] = [
            f"Signature method {_shown(method)} is not one of: {', '.join(SignatureMethod.values)}."
        ]
    if errors or template is None:
        raise Invalid(errors)

    record = ConsentRecord(
        patient=patient,
        template=template,
        signed_name=signed_name,
        method=method,
        confirmed=True,
        signed_at=timezone.now(),
        ip=current().ip,
        taken_by=actor,
    )
    if png is not None:
        # FieldFile.save stores through the default storage under signature_path().
        record.signature.save("signature.png", ContentFile(png), save=False)
    try:
        with transaction.atomic():
            record.full_clean()
            record.save()
            audit_record(
                action=Action.SIGN,
                object_type="consent_record",
                object_id=record.pk,
                patient_id=patient.pk,
                site_id=patient.site_id,
                detail={
                    "template_id": template.pk,
                    "treatment": template.treatment,
                    "version": template.version,
                    "method": method,
                    # Signed under a name staff checked though it is not the one on record.
                    **({"name_checked": True} if name_checked else {}),
                },
            )
    except BaseException as error:
        # No row refers to the file: remove it, so no orphan signature is left in storage.
        if record.signature:
            record.signature.storage.delete(record.signature.name)
        if isinstance(error, ValidationError):
            raise invalid_from(error) from None
        raise
    return record


def photo_consent_record(
    *, actor: User, patient_id: int, clinical_record: bool, teaching: bool, marketing: bool
) -> PhotoConsent:
    """Record what the patient now allows their photos to be used for.

    The new row becomes the current photo consent; earlier rows stay as history. An archived
    patient's record is read-only (``PatientArchived``); to stop all use of their photos, withdraw
    instead, which stays possible. When the new
    consent drops a use the current one allowed, the event is audited as WITHDRAW (naming the
    uses withdrawn), otherwise as CREATE.
    """
    patient = patient_get_for_write(
        actor,
        patient_id,
        capability=Capability.TAKE_CONSENT,
        object_type="photo_consent",
        action=Action.CREATE,
    )
    with transaction.atomic():
        return _record_photo_consent(
            actor=actor,
            patient=patient,
            clinical_record=clinical_record,
            teaching=teaching,
            marketing=marketing,
        )


def _record_photo_consent(
    *, actor: User, patient: Patient, clinical_record: bool, teaching: bool, marketing: bool
) -> PhotoConsent:
    previous = photo_consent_current(patient, lock=True)
    consent = PhotoConsent(
        patient=patient,
        clinical_record=clinical_record,
        teaching=teaching,
        marketing=marketing,
        given_at=timezone.now(),
        recorded_by=actor,
    )
    try:
        consent.full_clean()
    except ValidationError as error:
        raise invalid_from(error) from None
    consent.save()
    dropped = [
        field
        for field, _ in PHOTO_SCOPES
        if previous is not None and getattr(previous, field) and not getattr(consent, field)
    ]
    audit_record(
        action=Action.WITHDRAW if dropped else Action.CREATE,
        object_type="photo_consent",
        object_id=consent.pk,
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={
            "clinical_record": clinical_record,
            "teaching": teaching,
            "marketing": marketing,
            "withdrawn": dropped,
        },
    )
    return consent


def photo_consent_withdraw(
    *, actor: User, photo_consent_id: int, patient_id: int | None = None
) -> PhotoConsent:
    """Withdraw the patient's current photo consent entirely, from now on.

    ``photo_consent_id`` must be the patient's current photo consent (``Invalid`` otherwise: it
    was already withdrawn or replaced); an id that does not exist, or that belongs to another
    patient than ``patient_id`` (pages), is "not found". Every not yet withdrawn row of the
    patient is stamped, so an older, superseded consent can never become current again. Photos
    already taken stay in the clinical record (records must be kept), but none can be uploaded
    until a new consent is recorded. Audits WITHDRAW. Allowed for an archived patient too: a
    patient who has left the clinic may still withdraw consent to the use of their photos.
    """
    owner = (
        PhotoConsent.objects.filter(pk=photo_consent_id)
        .values_list("patient_id", flat=True)
        .first()
    )
    if owner is None or (patient_id is not None and owner != patient_id):
        audit_denied(
            reason="no_such_photo_consent",
            object_type="photo_consent",
            object_id=photo_consent_id,
            action=Action.WITHDRAW,
        )
        raise NotFound("No such photo consent.")
    patient = patient_get_for_user(
        actor,
        owner,
        capability=Capability.TAKE_CONSENT,
        audit_action=None,
        object_type="photo_consent",
    )
    with transaction.atomic():
        return _withdraw_photo_consent(
            actor=actor, patient=patient, photo_consent_id=photo_consent_id
        )


def _withdraw_photo_consent(
    *, actor: User, patient: Patient, photo_consent_id: int
) -> PhotoConsent:
    current_consent = photo_consent_current(patient, lock=True)
    if current_consent is None or current_consent.pk != photo_consent_id:
        raise Invalid(
            {
                "photo_consent_id": [
                    f"Photo consent {photo_consent_id} is not this patient's current "
                    "photo consent (it may already be withdrawn or replaced)."
                ]
            }
        )
    now = timezone.now()
    stamped = []
    for row in PhotoConsent.objects.select_for_update().filter(
        patient=patient, withdrawn_at__isnull=True
    ):
        row.withdrawn_at = max(now, row.given_at)
        row.withdrawn_by = actor
        row.full_clean()
        row.save(update_fields=["withdrawn_at", "withdrawn_by"])
        stamped.append(row.pk)
        if row.pk == current_consent.pk:
            current_consent = row
    audit_record(
        action=Action.WITHDRAW,
        object_type="photo_consent",
        object_id=current_consent.pk,
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={"withdrawn": [field for field, _ in PHOTO_SCOPES], "rows": stamped},
    )
    return current_consent
