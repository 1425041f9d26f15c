"""Writes of the diary: book, book a course, reschedule, cancel, move through statuses.

Every write runs in one transaction, audited, and is guarded against double booking twice
over (decision 0033):

- inside the transaction it re-checks the practitioner, the room and the patient for overlap
  before it writes. On SQLite every transaction begins IMMEDIATE (decision 0004), so writers
  are serialised and the re-check cannot be raced;
- on PostgreSQL writers run side by side, and the exclusion constraints of migration 0002 are
  the guard: a violation becomes ``SlotTaken`` (409) naming what was taken, and a deadlock or
  serialization failure runs the transaction again, a bounded number of times.

Time outside the practitioner's working time is refused (409). Only a manager may overbook,
with a reason: the overbooking is not checked against the practitioner's and room's other
appointments (the patient is still checked), and the reason is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.availability.hours import working_spans
from mesoclinic.core.db import retry_on_contention, violated_constraint
from mesoclinic.core.errors import Conflict, Invalid, NotFound
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.plans.models import StoredPlan
from mesoclinic.scheduling.models import (
    MAX_BUFFER,
    MAX_DURATION,
    MAX_HELD,
    MIDNIGHT,
    Appointment,
    Course,
    Room,
    Service,
    Source,
    Status,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from mesoclinic.scheduling.selectors import (
    appointment_get_for_user,
    calendar_load,
    course_placement,
    holding,
    practitioners_at,
    service_get,
    site_get_for_user,
    site_zone,
)

if TYPE_CHECKING:
    from mesoclinic.accounts.models import Site
    from mesoclinic.patients.models import Patient

T = TypeVar("T")

MAX_REASON = 2_000
MAX_SESSIONS = 24
MAX_INTERVAL_DAYS = 366
MAX_TOLERANCE_DAYS = 14
MAX_AHEAD = dt.timedelta(days=2 * 366)

# Each transition a member of staff may make; cancelling has its own service (with a reason).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset({Status.CONFIRMED}),
    Status.CONFIRMED: frozenset({Status.ARRIVED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.COMPLETED}),
}
CANCELLABLE = frozenset({Status.REQUESTED, Status.CONFIRMED, Status.ARRIVED})
MOVABLE = frozenset({Status.REQUESTED, Status.CONFIRMED})

CONSTRAINT_NAMES = {
    "scheduling_appointment_practitioner_no_overlap": "practitioner",
    "scheduling_appointment_room_no_overlap": "room",
    "scheduling_appointment_patient_no_overlap": "patient",
}


class SlotTaken(Conflict):
    """The practitioner, the room or the patient is already booked for part of the time."""


class OutsideHours(Conflict):
    """The time is not (wholly) in the practitioner's working time."""


@dataclass(frozen=True)
class Placement:
    """One appointment to write: who, where, when."""

    practitioner: User
    start: dt.datetime
    room_id: int | None = None


def _local(moment: dt.datetime, site: Site) -> str:
    return moment.astimezone(site_zone(site)).strftime("%a %d %b %Y %H:%M")


def _aware(field: str, moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid({field: [f"{field}: give the time with its offset, got {moment}."]})
    return moment.astimezone(dt.UTC)


def _reason(field: str, text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise Invalid({field: [f"{field}: a reason is needed."]})
    if len(text) > MAX_REASON:
        raise Invalid({field: [f"{field}: at most {MAX_REASON} characters, got {len(text)}."]})
    return text


def _practitioner(site: Site, practitioner_id: int, service: Service) -> User:
    practitioner = practitioners_at(site).filter(pk=practitioner_id).first()
    if practitioner is None:
        raise Invalid(
            {"practitioner": [f"practitioner: {practitioner_id} is not a practitioner at {site}."]}
        )
    if service.needs_prescriber and not practitioner.is_prescriber:
        raise Invalid(
            {
                "practitioner": [
                    f"practitioner: {service} needs a prescriber; {practitioner} is not."
                ]
            }
        )
    return practitioner


def _in_working_time(
    site: Site, practitioner: User, held_from: dt.datetime, held_until: dt.datetime
) -> bool:
    zone = site_zone(site)
    first = held_from.astimezone(zone).date()
    last = held_until.astimezone(zone).date()
    # Hours and exceptions only: the busy times are the clash check's, in the same transaction.
    calendar = calendar_load(
        site=site, practitioners=[practitioner], first_day=first, last_day=last, with_busy=False
    )
    spans = working_spans(
        calendar.practitioners[0],
        calendar.site,
        zone,
        first - dt.timedelta(1),
        last + dt.timedelta(1),
    )
    return any(lo <= held_from and held_until <= hi for lo, hi in spans)


def _clash(
    *,
    practitioner_id: int | None,
    room_id: int | None,
    patient_id: int,
    start: dt.datetime,
    end: dt.datetime,
    held_from: dt.datetime,
    held_until: dt.datetime,
    exclude: int | None,
) -> str | None:
    """What of practitioner, room and patient is already booked in the time, or ``None``."""
    # Lower bounds too (MAX_HELD): the indexes then scan the time around, not all before it.
    held = Q(held_from__lt=held_until, held_until__gt=held_from, held_from__gt=held_from - MAX_HELD)
    query = Q(patient_id=patient_id, start__lt=end, end__gt=start, start__gt=start - MAX_HELD)
    if practitioner_id is not None:
        query |= held & Q(practitioner_id=practitioner_id)
    if room_id is not None:
        query |= held & Q(room_id=room_id)
    rows = Appointment.objects.filter(holding(), query)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    taken = set()
    for who, room, patient, a_start, a_end, a_from, a_until in rows.values_list(
        "practitioner_id", "room_id", "patient_id", "start", "end", "held_from", "held_until"
    )[:10]:
        if patient == patient_id and a_start < end and a_end > start:
            taken.add("patient")
        if a_from < held_until and a_until > held_from:
            if practitioner_id is not None and who == practitioner_id:
                taken.add("practitioner")
            if room_id is not None and room == room_id:
                taken.add("room")
    for what in ("practitioner", "room", "patient"):
        if what in taken:
            return what
    return None


def _taken_message(what: str, site: Site, start: dt.datetime) -> str:
    names = {
        "practitioner": "The practitioner is",
        "room": "The room is",
        "patient": "The patient is",
    }
    return f"{names[what]} already booked at {_local(start, site)}; choose another time."


def _atomic(work: Callable[[], T], *, site: Site, start: Callable[[], dt.datetime]) -> T:
    """``work`` in one transaction, retried on contention; a broken no-overlap constraint
    (PostgreSQL) is ``SlotTaken`` naming what was taken."""

    def attempt() -> T:
        try:
            with transaction.atomic():
                return work()
        except IntegrityError as error:
            what = CONSTRAINT_NAMES.get(violated_constraint(error) or "")
            if what is None:
                raise
            raise SlotTaken(_taken_message(what, site, start()), extra={"taken": what}) from None

    return retry_on_contention(attempt)


def _lock(practitioner_id: int, site: Site, room_type: str) -> None:
    """Queue this transaction behind others booking the same practitioner or room type.

    PostgreSQL row locks (``FOR UPDATE``; SQLite's IMMEDIATE transaction already holds the
    whole database): the practitioner's row, then the site's rooms of the type, in id order,
    so two bookings never wait for each other in a cycle. Without them, 8 requests racing for
    one slot were all refused by the exclusion constraint too, but as deadlocks, retried.
    """
    list(User.objects.select_for_update().filter(pk=practitioner_id).values_list("pk"))
    if room_type:
        list(
            Room.objects.select_for_update()
            .filter(site=site, room_type=room_type)
            .order_by("pk")
            .values_list("pk")
        )


def _write_one(
    *,
    actor: User,
    patient: Patient,
    service: Service,
    placement: Placement,
    source: str,
    notes: str,
    overbook_reason: str,
    course: Course | None,
) -> Appointment:
    """Check and insert one appointment, inside the caller's transaction."""
    site = patient.site
    start = placement.start
    end = start + service.duration
    held_from, held_until = start - service.buffer_before, end + service.buffer_after
    practitioner = placement.practitioner
    _lock(practitioner.pk, site, service.room_type)
    if not _in_working_time(site, practitioner, held_from, held_until):
        raise OutsideHours(
            f"{practitioner} does not work at {_local(held_from, site)} to "
            f"{_local(held_until, site)} (buffers included); choose another time."
        )
    check_others = not overbook_reason
    room_id = placement.room_id
    if service.room_type:
        candidates = (
            [room_id]
            if room_id is not None
            else list(
                Room.objects.filter(site=site, room_type=service.room_type, active=True)
                .order_by("name", "pk")
                .values_list("pk", flat=True)
            )
        )
        if not candidates:
            raise Invalid({"room": [f"room: {site} has no active {service.room_type} room."]})
        free = None
        for candidate in candidates:
            busy = check_others and _clash(
                practitioner_id=None,
                room_id=candidate,
                patient_id=-1,
                start=start,
                end=end,
                held_from=held_from,
                held_until=held_until,
                exclude=None,
            )
            if not busy:
                free = candidate
                break
        if free is None:
            raise SlotTaken(_taken_message("room", site, start), extra={"taken": "room"})
        room_id = free
    else:
        room_id = None
    what = _clash(
        practitioner_id=practitioner.pk if check_others else None,
        room_id=room_id if check_others else None,
        patient_id=patient.pk,
        start=start,
        end=end,
        held_from=held_from,
        held_until=held_until,
        exclude=None,
    )
    if what is not None:
        raise SlotTaken(_taken_message(what, site, start), extra={"taken": what})
    appointment = Appointment.objects.create(
        site=site,
        patient=patient,
        service=service,
        practitioner=practitioner,
        room_id=room_id,
        start=start,
        end=end,
        held_from=held_from,
        held_until=held_until,
        status=Status.CONFIRMED,
        source=source,
        booked_by=actor,
        notes=notes,
        course=course,
        overbook_reason=overbook_reason,
    )
    detail: dict[str, object] = {
        "start": start.isoformat(),
        "practitioner_id": practitioner.pk,
        "room_id": room_id,
        "service": service.code,
        "source": source,
    }
    if course is not None:
        detail["course_id"] = course.pk
    if overbook_reason:
        detail["overbook_reason"] = overbook_reason
    audit_record(
        action=Action.CREATE,
        object_type="appointment",
        object_id=appointment.pk,
        patient_id=patient.pk,
        site_id=site.pk,
        detail=detail,
    )
    return appointment


def _room_for(site: Site, service: Service, room_id: int | None) -> int | None:
    if room_id is None:
        return None
    if not service.room_type:
        raise Invalid({"room": [f"room: {service} needs no room, got {room_id}."]})
    if not Room.objects.filter(
        pk=room_id, site=site, room_type=service.room_type, active=True
    ).exists():
        raise Invalid(
            {"room": [f"room: {room_id} is not an active {service.room_type} room at {site}."]}
        )
    return room_id


def _start_check(start: dt.datetime) -> dt.datetime:
    start = _aware("start", start)
    now = dt.datetime.now(dt.UTC)
    if start > now + MAX_AHEAD:
        raise Invalid({"start": [f"start: at most {MAX_AHEAD.days} days ahead, got {start}."]})
    return start


def appointment_book(
    *,
    actor: User,
    patient_id: int,
    service_code: str,
    practitioner_id: int,
    start: dt.datetime,
    room_id: int | None = None,
    source: str = Source.STAFF,
    notes: str = "",
    overbook_reason: str = "",
) -> Appointment:
    """Book one appointment; a web booking is the same call with ``source=web``.

    Refused: a role that may not book (403), another site's patient (404), an archived patient,
    a time outside the practitioner's working time or already taken (409), an overbooking by
    anyone but a manager (403) or without a reason (422).
    """
    require(actor, Capability.BOOK, what="appointment")
    overbook_reason = _reason("overbook_reason", overbook_reason, required=False)
    if overbook_reason:
        require(actor, Capability.OVERBOOK, what="appointment")
    patient = patient_get_for_write(
        actor,
        patient_id,
        capability=Capability.BOOK,
        object_type="appointment",
        action=Action.CREATE,
    )
    service = service_get(service_code)
    practitioner = _practitioner(patient.site, practitioner_id, service)
    start = _start_check(start)
    room = _room_for(patient.site, service, room_id)
    placement = Placement(practitioner, start, room)
    return _atomic(
        lambda: _write_one(
            actor=actor,
            patient=patient,
            service=service,
            placement=placement,
            source=source,
            notes=notes,
            overbook_reason=overbook_reason,
            course=None,
        ),
        site=patient.site,
        start=lambda: start,
    )


@dataclass
class _Progress:
    """The session being written, for the message of a constraint that refuses it."""

    session: int
    start: dt.datetime


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
    current = _Progress(1, first_start)

    def write() -> Course:
        course = Course.objects.create(
            patient=patient, plan_id=plan_ref, service=service, created_by=actor
        )
        for number, slot in enumerate(placement.sessions, 1):
            current.session, current.start = number, slot.start
            try:
                _write_one(
                    actor=actor,
                    patient=patient,
                    service=service,
                    placement=Placement(
                        staff[int(slot.practitioner)],
                        slot.start,
                        int(slot.room) if slot.room is not None else None,
                    ),
                    source=source,
                    notes="",
                    overbook_reason="",
                    course=course,
                )
            except Conflict as conflict:
                raise SessionUnplaced(
                    f"Session {number} of {sessions}: {conflict.message} Nothing was booked.",
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
        return _atomic(write, site=site, start=lambda: current.start)
    except SlotTaken as taken:
        number = current.session
        raise SessionUnplaced(
            f"Session {number} of {sessions}: {taken.message} Nothing was booked.",
            session=number,
        ) from None


def _for_write(actor: User, appointment_id: int, action: Action) -> Appointment:
    appointment = appointment_get_for_user(actor, appointment_id, action=action, audit=False)
    patient_get_for_write(
        actor,
        appointment.patient_id,
        capability=Capability.BOOK,
        object_type="appointment",
        action=action,
    )
    return appointment


def _locked(appointment_id: int) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("site", "service", "practitioner", "patient__site")
        .get(pk=appointment_id)
    )


def appointment_reschedule(*, actor: User, appointment_id: int, start: dt.datetime) -> Appointment:
    """Move a requested or confirmed appointment to ``start``, same practitioner and service.

    Keeps its room if that is free at the new time, else takes another of the type. Refused
    like a booking (409 when taken or outside hours); a past status (arrived, completed,
    cancelled, no show) is 409.
    """
    appointment = _for_write(actor, appointment_id, Action.UPDATE)
    start = _start_check(start)

    def write() -> Appointment:
        appointment = _locked(appointment_id)
        site, service = appointment.site, appointment.service
        _lock(appointment.practitioner_id, site, service.room_type)
        if appointment.status not in MOVABLE:
            raise Conflict(f"A {appointment.get_status_display().lower()} appointment cannot move.")
        old = appointment.start
        end = start + service.duration
        held_from, held_until = start - service.buffer_before, end + service.buffer_after
        if not _in_working_time(site, appointment.practitioner, held_from, held_until):
            raise OutsideHours(
                f"{appointment.practitioner} does not work at {_local(held_from, site)} to "
                f"{_local(held_until, site)} (buffers included); choose another time."
            )
        check_others = not appointment.overbook_reason
        room_id = appointment.room_id
        if room_id is not None and check_others:
            rooms = [
                room_id,
                *list(
                    Room.objects.filter(site=site, room_type=service.room_type, active=True)
                    .exclude(pk=room_id)
                    .order_by("name", "pk")
                    .values_list("pk", flat=True)
                ),
            ]
            room_id = next(
                (
                    r
                    for r in rooms
                    if _clash(
                        practitioner_id=None,
                        room_id=r,
                        patient_id=-1,
                        start=start,
                        end=end,
                        held_from=held_from,
                        held_until=held_until,
                        exclude=appointment.pk,
                    )
                    is None
                ),
                None,
            )
            if room_id is None:
                raise SlotTaken(_taken_message("room", site, start), extra={"taken": "room"})
        what = _clash(
            practitioner_id=appointment.practitioner_id if check_others else None,
            room_id=room_id if check_others else None,
            patient_id=appointment.patient_id,
            start=start,
            end=end,
            held_from=held_from,
            held_until=held_until,
            exclude=appointment.pk,
        )
        if what is not None:
            raise SlotTaken(_taken_message(what, site, start), extra={"taken": what})
        appointment.start, appointment.end = start, end
        appointment.held_from, appointment.held_until = held_from, held_until
        appointment.room_id = room_id
        appointment.save(update_fields=["start", "end", "held_from", "held_until", "room"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=site.pk,
            detail={"from": old.isoformat(), "to": start.isoformat(), "room_id": room_id},
        )
        return appointment

    return _atomic(write, site=appointment.site, start=lambda: start)


def appointment_cancel(*, actor: User, appointment_id: int, reason: str) -> Appointment:
    """Cancel an appointment that has not yet happened, with a reason; it frees its time."""
    _for_write(actor, appointment_id, Action.UPDATE)
    reason = _reason("reason", reason, required=True)
    with transaction.atomic():
        appointment = _locked(appointment_id)
        if appointment.status not in CANCELLABLE:
            raise Conflict(
                f"A {appointment.get_status_display().lower()} appointment cannot be cancelled."
            )
        previous = appointment.status
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["status", "cancel_reason"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=appointment.site_id,
            detail={"status": [previous, Status.CANCELLED], "fields": ["cancel_reason"]},
        )
    return appointment


def appointment_set_status(*, actor: User, appointment_id: int, status: str) -> Appointment:
    """Move an appointment on: requested -> confirmed -> arrived -> completed, or no show."""
    _for_write(actor, appointment_id, Action.UPDATE)
    with transaction.atomic():
        appointment = _locked(appointment_id)
        allowed: Sequence[str] = sorted(TRANSITIONS.get(appointment.status, frozenset()))
        if status not in allowed:
            raise Conflict(
                f"A {appointment.get_status_display().lower()} appointment cannot become "
                f"“{status[:20]}”" + (f"; it can become {', '.join(allowed)}." if allowed else ".")
            )
        previous = appointment.status
        appointment.status = status
        appointment.save(update_fields=["status"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=appointment.site_id,
            detail={"status": [previous, status]},
        )
    return appointment


@dataclass(frozen=True)
class HoursIn:
    """One weekday's working hours, as a manager sets them (local wall-clock time)."""

    weekday: int
    start: dt.time
    end: dt.time
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


def _manager_target(actor: User, practitioner_id: int, site_id: int) -> tuple[User, Site]:
    require(actor, Capability.MANAGE_SCHEDULE, what="working_hours")
    site = site_get_for_user(actor, site_id)
    practitioner = practitioners_at(site).filter(pk=practitioner_id).first()
    if practitioner is None:
        raise NotFound("No such practitioner.")
    return practitioner, site


def working_hours_set(
    *, actor: User, practitioner_id: int, site_id: int, hours: Sequence[HoursIn]
) -> list[WorkingHours]:
    """Replace the practitioner's weekly hours at the site (managers only). Appointments
    already booked stay; new bookings follow the new hours."""
    practitioner, site = _manager_target(actor, practitioner_id, site_id)
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(hours):
        if not 0 <= row.weekday <= 6:
            errors[f"hours[{i}].weekday"] = [
                f"hours[{i}].weekday: 0 (Monday) to 6 (Sunday), got {row.weekday}."
            ]
        if row.end != MIDNIGHT and row.end <= row.start:
            errors[f"hours[{i}].end"] = [
                f"hours[{i}].end: {row.end} is not after start {row.start} (00:00 is midnight)."
            ]
        if row.effective_from and row.effective_to and row.effective_to < row.effective_from:
            errors[f"hours[{i}].effective_to"] = [
                f"hours[{i}].effective_to: {row.effective_to} is before effective_from."
            ]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        WorkingHours.objects.filter(practitioner=practitioner, site=site).delete()
        rows = WorkingHours.objects.bulk_create(
            WorkingHours(
                practitioner=practitioner,
                site=site,
                weekday=row.weekday,
                start=row.start,
                end=row.end,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
            )
            for row in hours
        )
        audit_record(
            action=Action.UPDATE,
            object_type="working_hours",
            object_id=practitioner.pk,
            site_id=site.pk,
            detail={"rows": len(rows)},
        )
    return rows


def time_off_add(
    *,
    actor: User,
    site_id: int,
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    practitioner_id: int | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    note: str = "",
) -> TimeOff:
    """Add leave, sickness or extra hours of a practitioner, or a public holiday of the site
    (no practitioner), managers only. Appointments already booked stay."""
    require(actor, Capability.MANAGE_SCHEDULE, what="time_off")
    site = site_get_for_user(actor, site_id)
    errors: dict[str, list[str]] = {}
    if kind not in TimeOffKind.values:
        errors["kind"] = [f"kind: one of {', '.join(TimeOffKind.values)}, got “{kind[:30]}”."]
    holiday = kind == TimeOffKind.PUBLIC_HOLIDAY
    if holiday and (start or end):
        errors["start"] = ["start: a public holiday is whole days."]
    if holiday and practitioner_id is not None:
        # Refused rather than dropped: whoever chose a practitioner meant their leave.
        errors["practitioner"] = [
            "practitioner: a public holiday is the whole site's; leave the practitioner blank."
        ]
    if kind == TimeOffKind.EXTRA_HOURS and (start is None or end is None):
        errors["start"] = ["start: extra hours need a start and an end."]
    if (start is None) != (end is None):
        errors["end"] = ["end: give both start and end, or neither (whole days)."]
    elif start is not None and end is not None and end != MIDNIGHT and end <= start:
        errors["end"] = [f"end: {end} is not after start {start}."]
    if last_day < first_day:
        errors["last_day"] = [f"last_day: {last_day} is before first_day ({first_day})."]
    elif (last_day - first_day).days > MAX_INTERVAL_DAYS:
        errors["last_day"] = [f"last_day: at most {MAX_INTERVAL_DAYS} days after first_day."]
    if errors:
        raise Invalid(errors)
    practitioner = None
    if not holiday:
        if practitioner_id is None:
            raise Invalid({"practitioner": ["practitioner: needed for this kind."]})
        practitioner, site = _manager_target(actor, practitioner_id, site.pk)
    with transaction.atomic():
        row = TimeOff.objects.create(
            site=site,
            practitioner=practitioner,
            kind=kind,
            first_day=first_day,
            last_day=last_day,
            start=start,
            end=end,
            note=note.strip()[:200],
        )
        audit_record(
            action=Action.CREATE,
            object_type="time_off",
            object_id=row.pk,
            site_id=site.pk,
            detail={"kind": kind, "practitioner_id": practitioner_id},
        )
    return row


def time_off_remove(
    *,
    actor: User,
    time_off_id: int,
    practitioner_id: int | None = None,
    site_id: int | None = None,
) -> None:
    """Remove one exception of the actor's sites (managers only).

    ``practitioner_id`` and ``site_id``, when given, narrow the search to what the caller's
    address names: the API's path names a practitioner, the pages' a site (whose public
    holidays belong to no practitioner). An exception outside them is not found.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="time_off")
    rows = TimeOff.objects.filter(pk=time_off_id, site_id__in=site_ids(actor))
    if practitioner_id is not None:
        rows = rows.filter(practitioner_id=practitioner_id)
    if site_id is not None:
        rows = rows.filter(site_id=site_id)
    row = rows.first()
    if row is None:
        audit_denied(reason="no_such_time_off", object_type="time_off", object_id=time_off_id)
        raise NotFound("No such exception.")
    with transaction.atomic():
        row.delete()
        audit_record(
            action=Action.UPDATE,
            object_type="time_off",
            object_id=time_off_id,
            site_id=row.site_id,
            detail={"removed": True, "kind": row.kind},
        )


def _pom_terms() -> list[tuple[str, str]]:
    """Each prescription-only medicine of the knowledge base as terms to look for: its name
    before any bracket, its code in words, and a bracketed short name (TXA, CCH, PC/DC)."""
    terms: list[tuple[str, str]] = []
    for substance in default_knowledge().substances.values():
        if not substance.prescription_only:
            continue
        head, _, rest = substance.name.partition("(")
        candidates = {head.strip(), substance.code.replace("_", " ")}
        short = rest.split(")")[0].strip()
        if short and short.replace("/", "").isupper():
            candidates.add(short)
        terms += [(term.lower(), substance.name) for term in candidates if len(term) >= 3]
    return terms


def prescription_only_named(text: str) -> list[str]:
    """The prescription-only medicines ``text`` names (whole words, any case)."""
    lowered = f" {re.sub(r'[^a-z0-9/]+', ' ', text.lower())} "
    found: list[str] = []
    for term, name in _pom_terms():
        if f" {term} " in lowered and name not in found:
            found.append(name)
    return found


def service_save(
    *,
    actor: User,
    code: str,
    name: str,
    patient_facing_name: str,
    duration: dt.timedelta,
    buffer_before: dt.timedelta = dt.timedelta(0),
    buffer_after: dt.timedelta = dt.timedelta(0),
    room_type: str = "",
    needs_prescriber: bool = False,
    active: bool = True,
    new: bool = False,
) -> Service:
    """Create or update the service ``code`` (managers only).

    ``patient_facing_name`` is shown on public pages, so it may name no prescription-only
    medicine (UK advertising rules): refused with the medicines it names. With ``new`` (a form
    that adds a service) an existing ``code`` is refused rather than overwritten: whoever typed
    it meant another service.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="service")
    bounds: dict[str, list[str]] = {}
    for field, value, high in (
        ("duration", duration, MAX_DURATION),
        ("buffer_before", buffer_before, MAX_BUFFER),
        ("buffer_after", buffer_after, MAX_BUFFER),
    ):
        if value > high:
            minutes = int(value.total_seconds() // 60)
            bounds[field] = [
                f"{field}: at most {int(high.total_seconds() // 60)} minutes, got {minutes}."
            ]
    if bounds:
        raise Invalid(bounds)
    named = prescription_only_named(patient_facing_name)
    if named:
        raise Invalid(
            {
                "patient_facing_name": [
                    "patient_facing_name: public pages may not name prescription-only "
                    f"medicines; “{patient_facing_name[:60]}” names {', '.join(named)}."
                ]
            }
        )
    if new and Service.objects.filter(code=code).exists():
        raise Invalid(
            {"code": [f"code: a service with code “{code[:40]}” exists already; choose another."]}
        )
    with transaction.atomic():
        service, created = Service.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "patient_facing_name": patient_facing_name,
                "duration": duration,
                "buffer_before": buffer_before,
                "buffer_after": buffer_after,
                "room_type": room_type,
                "needs_prescriber": needs_prescriber,
                "active": active,
            },
        )
        service.full_clean()
        audit_record(
            action=Action.CREATE if created else Action.UPDATE,
            object_type="service",
            object_id=service.pk,
            detail={"code": code},
        )
    return service


# A room type is matched against services' room types as typed, so it keeps to a slug's letters.
ROOM_TYPE = re.compile(r"[-a-zA-Z0-9_]+")
ROOM_NAME_MAX = 80
ROOM_TYPE_MAX = 40


def room_save(
    *,
    actor: User,
    site_id: int,
    room_id: int | None = None,
    name: str,
    room_type: str,
    active: bool = True,
) -> Room:
    """Add a room to one of the actor's sites, or change one (managers only).

    Names are unique within the site whatever their case ("Room 1" and "room 1" would be told
    apart by no one reading the diary): a taken name is ``Invalid`` naming ``name``. A room of
    another site, or none, is ``NotFound``. Appointments already in the room keep it when it
    is made inactive; new bookings do not use it.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="room")
    site = site_get_for_user(actor, site_id)
    name, room_type = name.strip(), room_type.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["name: it is empty; give the room a name, e.g. Room 1."]
    elif len(name) > ROOM_NAME_MAX:
        errors["name"] = [f"name: is {len(name)} characters long; at most {ROOM_NAME_MAX}."]
    if not ROOM_TYPE.fullmatch(room_type) or len(room_type) > ROOM_TYPE_MAX:
        errors["room_type"] = [
            f"room_type: “{room_type[:40]}” is not a room type: letters, digits, - and _ only "
            f"(at most {ROOM_TYPE_MAX}), e.g. treatment."
        ]
    with transaction.atomic():
        if room_id is None:
            room = Room(site=site)
        else:
            found = Room.objects.select_for_update().filter(pk=room_id, site=site).first()
            if found is None:
                audit_denied(reason="no_such_room", object_type="room", object_id=room_id)
                raise NotFound("No such room.")
            room = found
        if (
            "name" not in errors
            and Room.objects.filter(site=site, name__iexact=name).exclude(pk=room.pk).exists()
        ):
            errors["name"] = [f"name: {site.name} already has a room named “{name[:40]}”."]
        if errors:
            raise Invalid(errors)
        before = {"name": room.name, "room_type": room.room_type, "active": room.active}
        room.name, room.room_type, room.active = name, room_type, active
        try:
            # A savepoint, so that a name taken by a concurrent writer leaves this
            # transaction usable for the refusal.
            with transaction.atomic():
                room.save()
        except IntegrityError as error:
            if violated_constraint(error) != "scheduling_room_unique_name":
                raise
            raise Invalid(
                {"name": [f"name: {site.name} already has a room named “{name[:40]}”."]}
            ) from None
        after = {"name": room.name, "room_type": room.room_type, "active": room.active}
        audit_record(
            action=Action.CREATE if room_id is None else Action.UPDATE,
            object_type="room",
            object_id=room.pk,
            site_id=site.pk,
            detail={"fields": sorted(k for k in after if after[k] != before[k])},
        )
    return room
