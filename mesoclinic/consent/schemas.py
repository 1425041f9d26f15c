"""API input and output shapes for ``/api/v1/consent``.

Inputs are parsed leniently (strings and booleans) so that ``consent.services`` owns every rule
and the API refuses exactly what the pages refuse, with the same messages, in the error
envelope ``{"error": "invalid input", "fields": {...}}``.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from mesoclinic.consent.models import ConsentRecord, ConsentTemplate, PhotoConsent
from mesoclinic.core.schemas import InputSchema


class TemplateIn(InputSchema):
    treatment: str = Field(description="Treatment code, e.g. mesotherapy_face.")
    title: str
    body: str = Field(description="The full text patients read, line breaks kept.")


class TemplateOut(Schema):
    id: int
    treatment: str
    title: str
    version: int
    body: str
    is_current: bool
    created_at: dt.datetime
    created_by: str

    @staticmethod
    def of(template: ConsentTemplate) -> TemplateOut:
        return TemplateOut(
            id=template.pk,
            treatment=template.treatment,
            title=template.title,
            version=template.version,
            body=template.body,
            is_current=template.is_current,
            created_at=template.created_at,
            created_by=template.created_by.username,
        )


class TemplateRef(Schema):
    id: int
    treatment: str
    title: str
    version: int


class SignIn(InputSchema):
    patient_id: int
    template_id: int = Field(description="The version shown to the patient; must be current.")
    signed_name: str = Field(description="The patient's full name as they sign.")
    method: str = Field(description="drawn or typed.")
    signature: str = Field(
        default="", description="For drawn: the pad's PNG as a data:image/png;base64 URL."
    )
    confirmed: bool = Field(
        default=False, description="The patient read, understood and agrees; must be true."
    )
    name_checked: bool = Field(
        default=False,
        description=(
            "Staff checked a signed name that differs from the patient's name on record; "
            "without it such a name is refused (422)."
        ),
    )


class RecordOut(Schema):
    id: int
    patient_id: int
    template: TemplateRef
    signed_name: str
    method: str
    signed_at: dt.datetime
    ip: str | None
    taken_by: str
    signature_url: str | None = Field(description="The drawn signature (PNG), or null if typed.")

    @staticmethod
    def of(record: ConsentRecord, signature_url: str | None) -> RecordOut:
        template = record.template
        return RecordOut(
            id=record.pk,
            patient_id=record.patient_id,
            template=TemplateRef(
                id=template.pk,
                treatment=template.treatment,
                title=template.title,
                version=template.version,
            ),
            signed_name=record.signed_name,
            method=record.method,
            signed_at=record.signed_at,
            ip=record.ip,
            taken_by=record.taken_by.username,
            signature_url=signature_url if record.signature else None,
        )


class PhotoConsentIn(InputSchema):
    patient_id: int
    clinical_record: bool
    teaching: bool
    marketing: bool


class PhotoConsentOut(Schema):
    id: int
    patient_id: int
    clinical_record: bool
    teaching: bool
    marketing: bool
    given_at: dt.datetime
    recorded_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None

    @staticmethod
    def of(consent: PhotoConsent) -> PhotoConsentOut:
        return PhotoConsentOut(
            id=consent.pk,
            patient_id=consent.patient_id,
            clinical_record=consent.clinical_record,
            teaching=consent.teaching,
            marketing=consent.marketing,
            given_at=consent.given_at,
            recorded_by=consent.recorded_by.username,
            withdrawn_at=consent.withdrawn_at,
            withdrawn_by=consent.withdrawn_by.username if consent.withdrawn_by else None,
        )
