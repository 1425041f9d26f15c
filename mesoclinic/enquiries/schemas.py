"""The enquiries API's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

StatusCode = Literal["new", "contacted", "converted", "closed"]


class EnquiryEventOut(Schema):
    at: dt.datetime
    actor: int | None = Field(description="The member of staff; null for the person online.")
    from_status: StatusCode | Literal[""]
    to_status: StatusCode
    note: str


class EnquiryOut(Schema):
    id: int
    site: int
    site_name: str
    name: str
    email: str
    phone: str = Field(description="E.164, e.g. +447700900123; empty when not given.")
    preferred_times: list[str]
    message: str
    status: StatusCode
    patient: int | None = Field(description="Set when converted.")
    answers: dict[str, Any] | None = Field(
        description="The self-assessment the person attached (the public answers' fields)."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class EnquiryDetailOut(EnquiryOut):
    events: list[EnquiryEventOut]


class EnquiryListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[EnquiryOut]
