"""Booking one appointment, and what every booking shares: the overlap re-check (after the
locks of ``holds``), the bounded retries, the working-time check and the one write of an
appointment.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q

from mesoclinic.accounts.access import Capability, require
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_event, audit_record_many
from mesoclinic.availability.hours import working_spans
from mesoclinic.core.db import retry_on_contention, violated_constraint
from mesoclinic.core.errors import Conflict, Invalid
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.scheduling.models import (
    MAX_HELD,
    Appointment,
    Course,
    Room,
    Service,
    Source,
    Status,
)
from mesoclinic.scheduling.selectors import (
    calendar_load,
    holding,
    practitioners_at,
    service_get,
    site_zone,
)
from mesoclinic.scheduling.services.holds import Hold, lock_resources

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

    index = 0  # which of several appointments checked together (``_choose_rooms``)


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


def _outside_hours(site: Site, practitioner: User, holds: Sequence[Hold]) -> Hold | None:
    """The first of ``holds`` not wholly in the practitioner's working time, or ``None``.

    Two queries (hours and exceptions) for all of ``holds``, however far apart: a course's
    sessions are checked together. The busy times are the clash check's, in the same
    transaction.
    """
    zone = site_zone(site)
    first = min(h.held_from for h in holds).astimezone(zone).date()
    last = max(h.held_until for h in holds).astimezone(zone).date()
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
    for hold in holds:
        if not any(lo <= hold.held_from and hold.held_until <= hi for lo, hi in spans):
            return hold
    return None


def _outside_hours_error(site: Site, practitioner: User | str, hold: Hold) -> OutsideHours:
    return OutsideHours(
        f"{practitioner} does not work at {_local(hold.held_from, site)} to "
        f"{_local(hold.held_until, site)} (buffers included); choose another time."
    )


def _rooms_of(site: Site, service: Service, *, required: bool = True) -> list[int]:
    """The site's active rooms of the service's type, in the order they are offered;
    ``Invalid`` when there is none and one is ``required``."""
    if not service.room_type:
        return []
    rooms = list(
        Room.objects.filter(site=site, room_type=service.room_type, active=True)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    if not rooms and required:
        raise Invalid({"room": [f"room: {site} has no active {service.room_type} room."]})
    return rooms


@dataclass(frozen=True)
class Want:
    """One appointment to check: its practitioner, the time it holds, the rooms it may take
    (in order; empty for a service without a room)."""

    practitioner_id: int
    hold: Hold
    rooms: Sequence[int]


def _choose_rooms(
    *,
    site: Site,
    patient_id: int,
    wants: Sequence[Want],
    check_others: bool,
    exclude: int | None,
) -> list[int | None]:
    """For each of ``wants``, in order, the first of its rooms free (``None`` without rooms),
    after checking its practitioner and the patient; ``SlotTaken`` naming what is taken and
    which of ``wants`` (``index``) otherwise. Each counts as booked for the ones after it.

    One query, whatever the number of wants: the appointments that hold time overlapping one
    of the holds and belong to a practitioner, a room or the patient asked about. An
    overbooking (``check_others`` false) is checked against the patient only, and takes the
    first room.
    """
    query = Q(pk__in=[])
    for want in wants:
        hold = want.hold
        # Lower bounds too (MAX_HELD): the indexes then scan the time around, not all before.
        held = Q(
            held_from__lt=hold.held_until,
            held_until__gt=hold.held_from,
            held_from__gt=hold.held_from - MAX_HELD,
        )
        query |= Q(
            patient_id=patient_id,
            start__lt=hold.end,
            end__gt=hold.start,
            start__gt=hold.start - MAX_HELD,
        )
        if check_others:
            query |= held & Q(practitioner_id=want.practitioner_id)
            if want.rooms:
                query |= held & Q(room_id__in=want.rooms)
    rows = Appointment.objects.filter(holding(), query).order_by()
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    booked: list[tuple[int, int | None, int, Hold]] = [
        (who, room, patient, Hold(start, end, held_from, held_until))
        for who, room, patient, start, end, held_from, held_until in rows.values_list(
            "practitioner_id", "room_id", "patient_id", "start", "end", "held_from", "held_until"
        )
    ]
    chosen: list[int | None] = []
    for index, want in enumerate(wants):
        hold = want.hold
        busy_rooms: set[int] = set()
        taken: set[str] = set()
        for who, room, patient, other in booked:
            if patient == patient_id and other.start < hold.end and other.end > hold.start:
                taken.add("patient")
            if (
                check_others
                and other.held_from < hold.held_until
                and other.held_until > hold.held_from
            ):
                if who == want.practitioner_id:
                    taken.add("practitioner")
                if room is not None:
                    busy_rooms.add(room)
        free = next((r for r in want.rooms if r not in busy_rooms), None)
        if want.rooms and free is None:
            taken.add("room")
        for what in ("practitioner", "room", "patient"):  # named in this order, as the API says
            if what in taken:
                error = SlotTaken(_taken_message(what, site, hold.start), extra={"taken": what})
                error.index = index
                raise error
        chosen.append(free)
        booked.append((want.practitioner_id, free, patient_id, hold))
    return chosen


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


@dataclass(frozen=True)
class Booking:
    """What every appointment of one booking shares (a course's sessions share all of it)."""

    actor: User
    patient: Patient
    service: Service
    source: str
    notes: str = ""
    overbook_reason: str = ""
    course: Course | None = None


def _write(
    booking: Booking, placements: Sequence[Placement], *, rooms: Sequence[int]
) -> list[Appointment]:
    """Check and insert the appointments, inside the caller's transaction, after ``_lock`` and
    ``_outside_hours``; ``SlotTaken`` (with its ``index``) for the first one taken.

    ``rooms``: the rooms each may take, a placement's own room first. Three statements
    however many appointments: the clash check, one INSERT of the rows, one of their audit
    events (decision 0033).
    """
    patient, service = booking.patient, booking.service
    site = patient.site
    holds = [Hold.of(service, p.start) for p in placements]
    wants = [
        Want(
            p.practitioner.pk,
            hold,
            [p.room_id, *(r for r in rooms if r != p.room_id)] if p.room_id is not None else rooms,
        )
        for p, hold in zip(placements, holds, strict=True)
    ]
    chosen = _choose_rooms(
        site=site,
        patient_id=patient.pk,
        wants=wants,
        check_others=not booking.overbook_reason,
        exclude=None,
    )
    appointments = Appointment.objects.bulk_create(
        [
            Appointment(
                site=site,
                patient=patient,
                service=service,
                practitioner=placement.practitioner,
                room_id=room_id,
                start=hold.start,
                end=hold.end,
                held_from=hold.held_from,
                held_until=hold.held_until,
                status=Status.CONFIRMED,
                source=booking.source,
                booked_by=booking.actor,
                notes=booking.notes,
                course=booking.course,
                overbook_reason=booking.overbook_reason,
            )
            for placement, hold, room_id in zip(placements, holds, chosen, strict=True)
        ]
    )
    events = []
    for appointment in appointments:
        detail: dict[str, object] = {
            "start": appointment.start.isoformat(),
            "practitioner_id": appointment.practitioner_id,
            "room_id": appointment.room_id,
            "service": service.code,
            "source": booking.source,
        }
        if booking.course is not None:
            detail["course_id"] = booking.course.pk
        if booking.overbook_reason:
            detail["overbook_reason"] = booking.overbook_reason
        events.append(
            audit_event(
                action=Action.CREATE,
                object_type="appointment",
                object_id=appointment.pk,
                patient_id=patient.pk,
                site_id=site.pk,
                detail=detail,
            )
        )
    audit_record_many(events)
    return appointments


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
    booking = Booking(
        actor=actor,
        patient=patient,
        service=service,
        source=source,
        notes=notes,
        overbook_reason=overbook_reason,
    )
    placement = Placement(practitioner, start, room)
    hold = Hold.of(service, start)

    def write() -> Appointment:
        rooms = _rooms_of(patient.site, service)
        lock_resources(
            patient.site,
            practitioner_ids=[practitioner.pk],
            room_ids=rooms,
            patient_id=patient.pk,
            holds=[hold],
        )
        if _outside_hours(patient.site, practitioner, [hold]) is not None:
            raise _outside_hours_error(patient.site, practitioner, hold)
        (appointment,) = _write(booking, [placement], rooms=[room] if room else rooms)
        return appointment

    return _atomic(write, site=patient.site, start=lambda: start)
