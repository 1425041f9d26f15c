"""Courses: every session of a course booked in one transaction, or none."""

from __future__ import annotations

import datetime as dt

from mesoclinic.accounts.access import Capability, require
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.core.errors import Conflict, Invalid
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.plans.models import StoredPlan
from mesoclinic.scheduling.models import (
    Course,
    Source,
)
from mesoclinic.scheduling.placement import course_placement
from mesoclinic.scheduling.selectors import service_get
from mesoclinic.scheduling.services.booking import (
    MAX_INTERVAL_DAYS,
    MAX_SESSIONS,
    MAX_TOLERANCE_DAYS,
    Booking,
    Placement,
    SlotTaken,
    Want,
    _atomic,
    _choose_rooms,
    _outside_hours,
    _outside_hours_error,
    _practitioner,
    _rooms_of,
    _start_check,
    _write,
)
from mesoclinic.scheduling.services.holds import Hold, lock_resources


class SessionUnplaced(Conflict):
    """A session of a course could not be placed; nothing of the course was booked."""

    def __init__(self, message: str, *, session: int) -> None:
        self.session = session
        super().__init__(message, extra={"session": session})


def _plan_of(plan_id: int, patient_id: int) -> bool:
    return StoredPlan.objects.filter(pk=plan_id, consultation__patient_id=patient_id).exists()


def course_book(
    *,
    actor: User,
    patient_id: int,
    service_code: str,
    sessions: int,
    interval_days: int,
    tolerance_days: int,
    first_start: dt.datetime,
    practitioner_id: int | None = None,
    plan_id: int | None = None,
    source: str = Source.STAFF,
) -> Course:
    """Book every session of a course or none: ``SessionUnplaced`` (409) names the first
    session (from 1) that could not be placed, and nothing is written.

    The engine places the sessions against the calendar read once; the write then re-checks
    each session in one transaction, so a session taken meanwhile rolls back the whole course.
    """
    require(actor, Capability.BOOK, what="course")
    patient = patient_get_for_write(
        actor, patient_id, capability=Capability.BOOK, object_type="course", action=Action.CREATE
    )
    errors: dict[str, list[str]] = {}
    for field, value, low, high in (
        ("sessions", sessions, 1, MAX_SESSIONS),
        ("interval_days", interval_days, 1, MAX_INTERVAL_DAYS),
        ("tolerance_days", tolerance_days, 0, MAX_TOLERANCE_DAYS),
    ):
        if not low <= value <= high:
            errors[field] = [f"{field}: a whole number from {low} to {high}, got {value}."]
    if errors:
        raise Invalid(errors)
    if plan_id is not None and not _plan_of(plan_id, patient.pk):
        raise Invalid({"plan": [f"plan: {plan_id} is not a plan of this patient."]})
    service = service_get(service_code)
    site = patient.site
    first_start = _start_check(first_start)
    preferred = None
    if practitioner_id is not None:
        preferred = _practitioner(site, practitioner_id, service)
    placement, staff = course_placement(
        site=site,
        service=service,
        first_start=first_start,
        sessions=sessions,
        interval_days=interval_days,
        tolerance_days=tolerance_days,
        preferred=preferred,
        patient_id=patient.pk,
    )
    if placement.failed_session is not None:
        number = placement.failed_session
        raise SessionUnplaced(
            f"Session {number} of {sessions} has no free time within {tolerance_days} day(s) "
            "of its date; nothing was booked.",
            session=number,
        )
    plan_ref = plan_id

    holds = [Hold.of(service, slot.start) for slot in placement.sessions]
    by_practitioner: dict[int, list[Hold]] = {}
    for slot, hold in zip(placement.sessions, holds, strict=True):
        by_practitioner.setdefault(int(slot.practitioner), []).append(hold)

    def write() -> Course:
        rooms = _rooms_of(site, service)
        lock_resources(
            site,
            practitioner_ids=by_practitioner,
            room_ids=rooms,
            patient_id=patient.pk,
            holds=holds,
        )
        for who, theirs in by_practitioner.items():
            outside = _outside_hours(site, staff[who], theirs)
            if outside is not None:
                number = holds.index(outside) + 1
                message = _outside_hours_error(site, staff[who], outside).message
                raise SessionUnplaced(
                    f"Session {number} of {sessions}: {message} Nothing was booked.",
                    session=number,
                )
        course = Course.objects.create(
            patient=patient, plan_id=plan_ref, service=service, created_by=actor
        )
        booking = Booking(
            actor=actor, patient=patient, service=service, source=source, course=course
        )
        try:
            _write(
                booking,
                [
                    Placement(
                        staff[int(slot.practitioner)],
                        slot.start,
                        int(slot.room) if slot.room is not None else None,
                    )
                    for slot in placement.sessions
                ],
                rooms=rooms,
            )
        except SlotTaken as taken:
            number = taken.index + 1
            raise SessionUnplaced(
                f"Session {number} of {sessions}: {taken.message} Nothing was booked.",
                session=number,
            ) from None
        audit_record(
            action=Action.CREATE,
            object_type="course",
            object_id=course.pk,
            patient_id=patient.pk,
            site_id=site.pk,
            detail={"service": service.code, "sessions": sessions, "plan_id": plan_ref},
        )
        return course

    try:
        return _atomic(write, site=site, start=lambda: first_start)
    except SlotTaken:
        # A no-overlap constraint refused the rows (a writer that took no lock): the session is
        # the first one taken now.
        number = 1
        try:
            _choose_rooms(
                site=site,
                patient_id=patient.pk,
                wants=[
                    Want(int(slot.practitioner), hold, _rooms_of(site, service, required=False))
                    for slot, hold in zip(placement.sessions, holds, strict=True)
                ],
                check_others=True,
                exclude=None,
            )
        except SlotTaken as now:
            number, taken = now.index + 1, now
        raise SessionUnplaced(
            f"Session {number} of {sessions}: {taken.message} Nothing was booked.",
            session=number,
        ) from None
