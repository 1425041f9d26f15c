"""Shapes of the patients API (`/api/v1/patients`), for validation of output and for OpenAPI.

Request bodies are parsed by ``patients.api`` itself, through the same forms as the pages, so
that a bad value gets the same message on a page and in the API; ``PatientCreateIn`` and
``PatientUpdateIn`` document those bodies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from mesoclinic.core.schemas import ErrorOut, InputSchema

SexCode = Literal["female", "male", "other", ""]

_DATE_HELP = "Date of birth, YYYY-MM-DD (dd/mm/yyyy is accepted too); not before 1900, not future."


class PatientCreateIn(InputSchema):
    site: int = Field(description="One of the caller's sites (id).")
    given_name: str = Field(max_length=100, min_length=1)
    family_name: str = Field(max_length=100, min_length=1)
    date_of_birth: str = Field(description=_DATE_HELP, examples=["1984-03-14"])
    sex: SexCode = ""
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40, description="6 to 15 digits; + ( ) - . spaces")
    address: str = Field(default="", max_length=1000)
    confirm_duplicate: bool = Field(
        default=False,
        description="Register even though possible duplicates exist (answered 409 otherwise).",
    )


class PatientUpdateIn(InputSchema):
    """Only the keys sent are changed; the site cannot be changed."""

    given_name: str | None = Field(default=None, max_length=100, min_length=1)
    family_name: str | None = Field(default=None, max_length=100, min_length=1)
    date_of_birth: str | None = Field(default=None, description=_DATE_HELP)
    sex: SexCode | None = None
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=1000)


class PatientOut(Schema):
    id: int
    site: int
    site_name: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: SexCode
    email: str
    phone: str
    address: str
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Bumped by every change; the ETag for If-Match.")


class PatientListOut(Schema):
    count: int = Field(description="Matches in all; ``items`` is the window at offset.")
    count_is_exact: bool = Field(
        description="False when more than 1,000 matched: ``count`` is then 1000."
    )
    limit: int
    offset: int
    items: list[PatientOut]


class CandidateOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    phone: str


class DuplicateOut(ErrorOut):
    """The error envelope, with the possible duplicates to check."""

    candidates: list[CandidateOut]


def body_schema(schema: type[Schema]) -> dict[str, Any]:
    """An OpenAPI request body for ``schema``, for endpoints that parse their body themselves."""
    return {
        "required": True,
        "content": {"application/json": {"schema": schema.model_json_schema()}},
    }
