"""Booking one appointment, and what every booking shares: the overlap re-check, the row
locks, the bounded retries, the working-time check and the one write of an appointment.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q

from mesoclinic.accounts.access import Capability, require
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
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
