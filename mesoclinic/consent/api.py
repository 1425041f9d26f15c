"""The consent API (`/api/v1/consent`): thin endpoints over selectors and services.

Every endpoint needs a bearer token (``accounts.api_auth.token_auth``); the same capabilities,
site checks and audit events apply as on the pages: reading needs ``VIEW_CLINICAL``, signing,
publishing and photo consent need ``TAKE_CONSENT``; another site's record is 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Status

from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.consent.models import ConsentRecord
from mesoclinic.consent.schemas import (
    PhotoConsentIn,
    PhotoConsentOut,
    RecordOut,
    SignIn,
    TemplateIn,
    TemplateOut,
)
from mesoclinic.consent.selectors import (
    consent_record_get_for_user,
    consent_records_for_user,
    consent_signature_for_user,
    consent_template_get_for_user,
    consent_templates_for_user,
    photo_consents_for_user,
)
from mesoclinic.consent.services import (
    consent_record_sign,
    consent_template_publish,
    photo_consent_record,
    photo_consent_withdraw,
)
from mesoclinic.core.http import staff
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.patients.errors import PatientArchived

if TYPE_CHECKING:
    pass

router = Router(tags=["consent"], auth=token_auth)

ERRORS: dict[int, type[ErrorOut]] = {403: ErrorOut, 404: ErrorOut}
# Writes to an archived patient's record: 409, as the patients API answers them.
WRITE_ERRORS: dict[int, type[ErrorOut]] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}
PNG_RESPONSE = {
    "responses": {"200": {"description": "The PNG image.", "content": {"image/png": {}}}}
}


def _record_out(record: ConsentRecord) -> RecordOut:
    url = reverse("api-1:consent_signature", kwargs={"record_id": record.pk})
    return RecordOut.of(record, url)


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, url_name="consent_templates")
def list_templates(request: HttpRequest) -> list[TemplateOut]:
    """Every version of every treatment's consent form, newest version first per treatment."""
    return [TemplateOut.of(t) for t in consent_templates_for_user(staff(request))]


@router.post("/templates", response={201: TemplateOut, 422: ErrorOut, **ERRORS})
def publish_template(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    """Publish the next version of a treatment's consent form; it becomes the current one."""
    template = consent_template_publish(
        actor=staff(request), treatment=payload.treatment, title=payload.title, body=payload.body
    )
    return Status(201, TemplateOut.of(template))


@router.get("/templates/{template_id}", response={200: TemplateOut, **ERRORS})
def get_template(request: HttpRequest, template_id: int) -> TemplateOut:
    return TemplateOut.of(consent_template_get_for_user(staff(request), template_id))


@router.get("/records", response={200: list[RecordOut], **ERRORS})
def list_records(request: HttpRequest, patient_id: int) -> list[RecordOut]:
    """A patient's signed consents, newest first (audited as one LIST)."""
    return [_record_out(r) for r in consent_records_for_user(staff(request), patient_id)]


@router.post("/records", response={201: RecordOut, **WRITE_ERRORS})
def sign(request: HttpRequest, payload: SignIn) -> Status[RecordOut] | Status[ErrorOut]:
    """Record signed consent against the current version of a form (audited SIGN).

    422 names each refused field: a version that is no longer current, a blank name, no
    confirmation, a blank or malformed drawn signature. 409: the patient is archived.
    """
    try:
        record = consent_record_sign(
            actor=staff(request),
            patient_id=payload.patient_id,
            template_id=payload.template_id,
            signed_name=payload.signed_name,
            method=payload.method,
            signature=payload.signature,
            confirmed=payload.confirmed,
            name_checked=payload.name_checked,
        )
    except PatientArchived as archived:
        return Status(409, ErrorOut(error=archived.message))
    return Status(201, _record_out(record))


@router.get("/records/{record_id}", response={200: RecordOut, **ERRORS})
def get_record(request: HttpRequest, record_id: int) -> RecordOut:
    return _record_out(consent_record_get_for_user(staff(request), record_id))


@router.get(
    "/records/{record_id}/signature",
    response={404: ErrorOut, 403: ErrorOut},
    url_name="consent_signature",
    openapi_extra=PNG_RESPONSE,
)
def get_signature(request: HttpRequest, record_id: int) -> FileResponse:
    """The drawn signature (PNG); 404 for a consent signed with a typed name."""
    record = consent_signature_for_user(staff(request), record_id)
    response = FileResponse(record.signature.open("rb"), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="consent-{record.pk}-signature.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/photo-consents", response={200: list[PhotoConsentOut], **ERRORS})
def list_photo_consents(request: HttpRequest, patient_id: int) -> list[PhotoConsentOut]:
    """A patient's photo consent history, newest first; the first, if not withdrawn, is current."""
    return [PhotoConsentOut.of(c) for c in photo_consents_for_user(staff(request), patient_id)]


@router.post("/photo-consents", response={201: PhotoConsentOut, **WRITE_ERRORS})
def record_photo_consent(
    request: HttpRequest, payload: PhotoConsentIn
) -> Status[PhotoConsentOut] | Status[ErrorOut]:
    """Record what the patient now allows; it replaces the current photo consent."""
    try:
        consent = photo_consent_record(
            actor=staff(request),
            patient_id=payload.patient_id,
            clinical_record=payload.clinical_record,
            teaching=payload.teaching,
            marketing=payload.marketing,
        )
    except PatientArchived as archived:
        return Status(409, ErrorOut(error=archived.message))
    return Status(201, PhotoConsentOut.of(consent))


@router.post(
    "/photo-consents/{photo_consent_id}/withdraw",
    response={200: PhotoConsentOut, 422: ErrorOut, **ERRORS},
)
def withdraw_photo_consent(request: HttpRequest, photo_consent_id: int) -> PhotoConsentOut:
    """Withdraw the patient's current photo consent entirely (audited WITHDRAW)."""
    consent = photo_consent_withdraw(actor=staff(request), photo_consent_id=photo_consent_id)
    return PhotoConsentOut.of(consent)
