"""The scheduling API: availability, appointments, courses, services, practitioners' hours.

Thin: each operation parses, calls one selector or service, and shapes the answer. Bearer
tokens only. 409 answers carry ``taken`` (practitioner, room or patient) when a time is
taken, and a course's 409 carries ``session``, the first session (from 1) that could not be
placed; nothing of that course was booked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from mesoclinic.accounts.access import Capability, require
from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.params import date_param, integer_param, optional_integer_param
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.core.versions import etag, if_match_version
from mesoclinic.scheduling import services
from mesoclinic.scheduling.models import Appointment, Service, Source, TimeOff, TimeOffKind
from mesoclinic.scheduling.schemas import (
    AppointmentIn,
    AppointmentListOut,
    AppointmentOut,
    AppointmentParams,
    AvailabilityOut,
    AvailabilityParams,
    CancelIn,
    CourseIn,
    CourseOut,
    ExceptionIn,
    ExceptionOut,
    HoursIn,
    HoursOut,
    PractitionerOut,
    RescheduleIn,
    ServiceOut,
    SessionConflictOut,
)
from mesoclinic.scheduling.selectors import (
    appointment_get_for_user,
    appointment_list,
    availability,
    hours_version,
    practitioner_list,
    service_list,
    site_zone,
    working_hours_of,
)

router = Router(tags=["scheduling"], auth=token_auth)

_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
API_MAX_LIMIT = 200


def _iso(moment: dt.datetime, appointment_site: Any) -> str:
    return moment.astimezone(site_zone(appointment_site)).isoformat()


def _out(appointment: Appointment) -> dict[str, Any]:
    site = appointment.site
    return {
        "id": appointment.pk,
        "start": _iso(appointment.start, site),
        "end": _iso(appointment.end, site),
        "status": appointment.status,
        "source": appointment.source,
        "practitioner": appointment.practitioner_id,
        "room": appointment.room_id,
        "patient": appointment.patient_id,
        "service": appointment.service.code,
        "course": appointment.course_id,
    }


@router.get(
    "/availability",
    response={200: AvailabilityOut, **_ERRORS},
    summary="Free slots of a service",
    operation_id="scheduling_availability",
)
def availability_get(request: HttpRequest, params: Query[AvailabilityParams]) -> dict[str, Any]:
    """Free slots of ``service`` at ``site`` from ``from`` to ``to`` (local dates, inclusive,
    at most 92 days), sorted by start; ``practitioner`` narrows to one."""
    where, slots = availability(
        staff(request),
        service_code=params.service,
        site_id=integer_param("site", params.site, low=1, high=10**12),
        first_day=date_param("from", params.from_),
        last_day=date_param("to", params.to),
        practitioner_id=optional_integer_param("practitioner", params.practitioner),
    )
    zone = site_zone(where)
    return {
        "slots": [
            {
                "start": slot.start.astimezone(zone).isoformat(),
                "end": slot.end.astimezone(zone).isoformat(),
                "practitioner": int(slot.practitioner),
                "room": int(slot.room) if slot.room is not None else None,
            }
            for slot in slots
        ]
    }


@router.post(
    "/appointments",
    response={201: AppointmentOut, 409: SessionConflictOut, **_ERRORS},
    summary="Book an appointment",
    operation_id="scheduling_appointment_book",
)
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Status[dict[str, Any]]:
    """201 with the appointment; 409 when the time is taken or outside working hours."""
    appointment = services.appointment_book(
        actor=staff(request),
        patient_id=payload.patient,
        service_code=payload.service,
        practitioner_id=payload.practitioner,
        start=payload.start,
        room_id=payload.room,
        source=Source.API,
        notes=payload.notes,
        overbook_reason=payload.overbook_reason,
    )
    return Status(201, _out(appointment))


@router.get(
    "/appointments",
    response={200: AppointmentListOut, **_ERRORS},
    summary="List appointments",
    operation_id="scheduling_appointment_list",
)
def appointment_list_get(request: HttpRequest, params: Query[AppointmentParams]) -> dict[str, Any]:
    """Appointments of the caller's sites meeting ``from``..``to`` (instants or dates, UTC)."""
    window_limit = integer_param("limit", params.limit, low=1, high=API_MAX_LIMIT)
    window_offset = integer_param("offset", params.offset, low=0, high=10**9)
    start = _instant("from", params.from_) if params.from_.strip() else None
    end = _instant("to", params.to) if params.to.strip() else None
    window = appointment_list(
        staff(request),
        start=start,
        end=end,
        practitioner_id=optional_integer_param("practitioner", params.practitioner),
        limit=window_limit,
        offset=window_offset,
    )
    return {
        "count": window.count,
        "limit": window_limit,
        "offset": window_offset,
        "items": [_out(a) for a in window.appointments],
    }


def _instant(key: str, raw: str) -> dt.datetime:
    text = raw.strip()
    if len(text) == 10:
        day = date_param(key, text)
        return dt.datetime.combine(day, dt.time(0), dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid({key: [f"{key}: “{raw[:40]}” is not a date or an instant with offset."]})
    return moment


@router.get(
    "/appointments/{appointment_id}",
    response={200: AppointmentOut, **_ERRORS},
    summary="One appointment",
    operation_id="scheduling_appointment_get",
)
def appointment_get(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    return _out(appointment_get_for_user(staff(request), appointment_id))


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response={200: AppointmentOut, 409: SessionConflictOut, **_ERRORS},
    summary="Move an appointment",
    operation_id="scheduling_appointment_reschedule",
)
def appointment_reschedule(
    request: HttpRequest, appointment_id: int, payload: RescheduleIn
) -> dict[str, Any]:
    appointment = services.appointment_reschedule(
        actor=staff(request), appointment_id=appointment_id, start=payload.start
    )
    return _out(appointment)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, 409: ErrorOut, **_ERRORS},
    summary="Cancel an appointment",
    operation_id="scheduling_appointment_cancel",
)
def appointment_cancel(
    request: HttpRequest, appointment_id: int, payload: CancelIn
) -> dict[str, Any]:
    appointment = services.appointment_cancel(
        actor=staff(request), appointment_id=appointment_id, reason=payload.reason
    )
    return _out(appointment)


@router.post(
    "/courses",
    response={201: CourseOut, 409: SessionConflictOut, **_ERRORS},
    summary="Book a course of sessions, all or none",
    operation_id="scheduling_course_book",
)
def course_book(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    """201 with every session; 409 with ``session`` (from 1) when one cannot be placed."""
    course = services.course_book(
        actor=staff(request),
        patient_id=payload.patient,
        service_code=payload.service,
        sessions=payload.sessions,
        interval_days=payload.interval_days,
        tolerance_days=payload.tolerance_days,
        first_start=payload.first_start,
        practitioner_id=payload.practitioner,
        plan_id=payload.plan,
        source=Source.API,
    )
    rows = course.appointments.select_related("site", "service").order_by("start")
    return Status(201, {"id": course.pk, "appointments": [_out(a) for a in rows]})


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


@router.get(
    "/services",
    response={200: list[ServiceOut], **_ERRORS},
    summary="Bookable services",
    operation_id="scheduling_service_list",
)
def service_list_get(request: HttpRequest) -> list[dict[str, Any]]:
    return [_service_out(s) for s in service_list(staff(request))]


def _service_out(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "patient_facing_name": service.patient_facing_name,
        "duration_minutes": _minutes(service.duration),
        "buffer_before_minutes": _minutes(service.buffer_before),
        "buffer_after_minutes": _minutes(service.buffer_after),
        "room_type": service.room_type,
        "needs_prescriber": service.needs_prescriber,
    }


@router.get(
    "/practitioners",
    response={200: list[PractitionerOut], **_ERRORS},
    summary="Practitioners of the caller's sites",
    operation_id="scheduling_practitioner_list",
)
def practitioner_list_get(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": row.user.pk,
            "name": str(row.user),
            "sites": sorted(row.sites),
            "qualifications": sorted(row.qualifications),
        }
        for row in practitioner_list(staff(request))
    ]


@router.get(
    "/practitioners/{practitioner_id}/hours",
    response={200: HoursOut, **_ERRORS},
    summary="A practitioner's weekly hours at a site",
    operation_id="scheduling_hours_get",
)
def hours_get(
    request: HttpRequest, practitioner_id: int, site: str, response: HttpResponse
) -> dict[str, Any]:
    """The week's rows; ``ETag`` carries the week's version, for ``If-Match`` on PUT."""
    site_id = integer_param("site", site, low=1, high=10**12)
    rows = working_hours_of(staff(request), practitioner_id=practitioner_id, site_id=site_id)
    response["ETag"] = etag(hours_version(rows))
    return {"site": site_id, "hours": [_hours_out(row) for row in rows]}


def _hours_out(row: Any) -> dict[str, Any]:
    return {
        "weekday": row.weekday,
        "start": row.start,
        "end": row.end,
        "effective_from": row.effective_from,
        "effective_to": row.effective_to,
    }


@router.put(
    "/practitioners/{practitioner_id}/hours",
    response={200: HoursOut, 409: ErrorOut, **_ERRORS},
    summary="Replace a practitioner's weekly hours at a site (managers)",
    operation_id="scheduling_hours_set",
)
def hours_set(
    request: HttpRequest, practitioner_id: int, payload: HoursIn, response: HttpResponse
) -> Any:
    """Replace the week. Concurrent edits: send ``If-Match`` with the ``ETag`` of the week the
    change was made on; if it changed since, nothing is saved and the answer is 409 with the
    current ``ETag``. Without ``If-Match`` the week sent replaces the week as it is."""
    expected = if_match_version(request)
    try:
        rows = services.working_hours_set(
            actor=staff(request),
            practitioner_id=practitioner_id,
            site_id=payload.site,
            hours=[services.HoursIn(**row.model_dump()) for row in payload.hours],
            expected_version=expected,
        )
    except services.StaleHours as stale:
        response["ETag"] = etag(stale.current)
        return Status(409, {"error": stale.message, "fields": {}})
    response["ETag"] = etag(hours_version(rows))
    return {"site": payload.site, "hours": [_hours_out(row) for row in rows]}


@router.post(
    "/practitioners/{practitioner_id}/exceptions",
    response={201: ExceptionOut, **_ERRORS},
    summary="Add leave, sickness or extra hours (managers)",
    operation_id="scheduling_exception_add",
)
def exception_add(
    request: HttpRequest, practitioner_id: int, payload: ExceptionIn
) -> Status[dict[str, Any]]:
    user = staff(request)
    if payload.kind == TimeOffKind.PUBLIC_HOLIDAY:
        require(user, Capability.MANAGE_SCHEDULE, what="time_off")
        raise Invalid(
            {"kind": ["kind: a public holiday is the whole site's, not a practitioner's."]}
        )
    row = services.time_off_add(
        actor=user,
        site_id=payload.site,
        kind=payload.kind,
        first_day=payload.first_day,
        last_day=payload.last_day,
        practitioner_id=practitioner_id,
        start=payload.start,
        end=payload.end,
        note=payload.note,
    )
    return Status(201, _exception_out(row))


def _exception_out(row: TimeOff) -> dict[str, Any]:
    return {
        "id": row.pk,
        "site": row.site_id,
        "kind": row.kind,
        "first_day": row.first_day,
        "last_day": row.last_day,
        "start": row.start,
        "end": row.end,
        "note": row.note,
    }


@router.delete(
    "/practitioners/{practitioner_id}/exceptions/{exception_id}",
    response={204: None, **_ERRORS},
    summary="Remove an exception (managers)",
    operation_id="scheduling_exception_remove",
)
def exception_remove(request: HttpRequest, practitioner_id: int, exception_id: int) -> Status[None]:
    services.time_off_remove(
        actor=staff(request), practitioner_id=practitioner_id, time_off_id=exception_id
    )
    return Status(204, None)
