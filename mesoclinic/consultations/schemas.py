"""API input and output shapes of ``/api/v1/consultations``.

Inputs are typed for the OpenAPI document and for basic types only; codes and rules are the
services' to check, so an unknown code comes back as a 422 ``{"error", "fields"}`` envelope
naming the field, the bad value and the nearest valid code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from mesoclinic.core.schemas import InputSchema


class ConcernIn(InputSchema):
    concern: str = Field(description="Concern code of the planning contract.")
    zones: list[str] = Field(description="Zone codes.")


class ConsultationIn(InputSchema):
    patient_id: int
    held_at: dt.datetime | None = Field(
        default=None, description="With a UTC offset; omitted: now."
    )
    conditions: list[str] = Field(default_factory=list, description="Condition codes.")
    medications: list[str] = Field(default_factory=list, description="Medication codes.")
    allergies: list[str] = Field(default_factory=list, description="Substance codes.")
    infection_zones: list[str] = Field(
        default_factory=list, description="Zone codes with an active skin infection."
    )
    pregnant: bool = False
    breastfeeding: bool = False
    childbearing_potential: bool | None = Field(default=None, description="null: not stated.")
    weight_kg: Decimal | None = Field(default=None, description="1 to 400, one decimal place.")
    needle_fear: str = Field(default="none", description="none, mild or severe.")
    fitzpatrick_type: str = Field(default="", description='I to VI, or "" (not recorded).')
    notes: str = Field(default="", max_length=20_000)
    concerns: list[ConcernIn] = Field(default_factory=list)


class ConsultationPatchIn(InputSchema):
    """A change of a draft: only the keys sent are written; the others keep their values."""

    held_at: dt.datetime | None = Field(default=None, description="With a UTC offset.")
    conditions: list[str] | None = Field(default=None, description="Condition codes.")
    medications: list[str] | None = Field(default=None, description="Medication codes.")
    allergies: list[str] | None = Field(default=None, description="Substance codes.")
    infection_zones: list[str] | None = Field(
        default=None, description="Zone codes with an active skin infection."
    )
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    childbearing_potential: bool | None = Field(default=None, description="null: not stated.")
    weight_kg: Decimal | None = Field(default=None, description="1 to 400; null: not recorded.")
    needle_fear: str | None = Field(default=None, description="none, mild or severe.")
    fitzpatrick_type: str | None = Field(default=None, description='I to VI, or "".')
    notes: str | None = Field(default=None, max_length=20_000)
    concerns: list[ConcernIn] | None = None


# Keys of ConsultationPatchIn that may be sent as null: the others need a value.
NULLABLE_PATCH_KEYS = frozenset({"childbearing_potential", "weight_kg"})


class ConsultationOut(Schema):
    id: int
    patient_id: int
    practitioner_id: int
    site_id: int
    held_at: dt.datetime
    status: str
    completed_at: dt.datetime | None
    conditions: list[str]
    medications: list[str]
    allergies: list[str]
    infection_zones: list[str]
    pregnant: bool
    breastfeeding: bool
    childbearing_potential: bool | None
    weight_kg: float | None
    needle_fear: str
    fitzpatrick_type: str
    notes: str
    concerns: list[dict[str, Any]]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Bumped by every change; the ETag for If-Match.")
