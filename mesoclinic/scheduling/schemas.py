"""Shapes of the scheduling API: strict request bodies (unknown keys refused) and answers.

Instants go in with their offset (ISO 8601) and come out in the site's zone, with its offset
(``2027-03-29T09:00:00+01:00``); dates and wall-clock times are the site's local ones.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import AwareDatetime, Field

from mesoclinic.core.schemas import ErrorOut, InputSchema


class AvailabilityParams(Schema):
    """Query parameters, read as text and checked by hand (422 naming the parameter)."""

    service: str = Field(description="A service code.")
    site: str = Field(description="One of the caller's sites (id).")
    from_: str = Field(alias="from", description="First local date, YYYY-MM-DD.")
    to: str = Field(description="Last local date, inclusive; at most 92 days from ``from``.")
    practitioner: str = Field(default="", description="Only this practitioner (id).")


class AppointmentParams(Schema):
    from_: str = Field(default="", alias="from", description="YYYY-MM-DD or an instant.")
    to: str = Field(default="", description="YYYY-MM-DD or an instant (exclusive).")
    practitioner: str = ""
    limit: str = Field(default="50", description="1 to 200.")
    offset: str = "0"


class SlotOut(Schema):
    start: str = Field(description="ISO 8601 with the site's offset.")
    end: str
    practitioner: int
    room: int | None


class AvailabilityOut(Schema):
    slots: list[SlotOut]


class AppointmentIn(InputSchema):
    patient: int
    service: str = Field(max_length=40, description="A service code.")
    practitioner: int
    start: AwareDatetime = Field(description="ISO 8601 with an offset.")
    room: int | None = Field(default=None, description="Blank: the first free room of the type.")
    notes: str = Field(default="", max_length=2000)
    overbook_reason: str = Field(
        default="", max_length=2000, description="Managers only: book over other appointments."
    )


class AppointmentOut(Schema):
    id: int
    start: str
    end: str
    status: str
    source: str
    practitioner: int
    room: int | None
    patient: int
    service: str
    course: int | None


class AppointmentListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[AppointmentOut]


class CourseIn(InputSchema):
    patient: int
    service: str = Field(max_length=40)
    sessions: int = Field(ge=1, le=24)
    interval_days: int = Field(ge=1, le=366)
    tolerance_days: int = Field(default=0, ge=0, le=14)
    first_start: AwareDatetime
    practitioner: int | None = None
    plan: int | None = None


class CourseOut(Schema):
    id: int
    appointments: list[AppointmentOut]


class SessionConflictOut(ErrorOut):
    """409: the one envelope, with what was taken and, for a course, the session."""

    session: int | None = Field(
        default=None, description="The first session (from 1) that could not be placed."
    )
    taken: str | None = Field(default=None, description="practitioner, room or patient")


class RescheduleIn(InputSchema):
    start: AwareDatetime


class CancelIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class ServiceOut(Schema):
    code: str
    name: str
    patient_facing_name: str
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    room_type: str
    needs_prescriber: bool


class PractitionerOut(Schema):
    id: int
    name: str
    sites: list[int]
    qualifications: list[str]


class HoursRow(InputSchema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday.")
    start: dt.time
    end: dt.time = Field(description="00:00 is midnight (24:00).")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class HoursIn(InputSchema):
    site: int
    hours: list[HoursRow] = Field(max_length=70)


class HoursOut(Schema):
    site: int
    hours: list[HoursRow]


class ExceptionIn(InputSchema):
    site: int
    kind: str = Field(description="leave, sickness or extra_hours")
    first_day: dt.date
    last_day: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    note: str = Field(default="", max_length=200)


class ExceptionOut(Schema):
    id: int
    site: int
    kind: str
    first_day: dt.date
    last_day: dt.date
    start: dt.time | None
    end: dt.time | None
    note: str
