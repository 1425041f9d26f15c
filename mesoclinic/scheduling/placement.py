"""Where a course's sessions would go: the calendar read only where the engine looks.

``course_placement`` is what ``course_book`` places before it writes, and what a course's
availability costs. Session k of a course can only land within its tolerance of its ideal date
(``availability.course``), so the busy rows are read only on those days, not over the whole
span of the course; with a practitioner asked for, the rooms' bookings are read only around the
sessions (decision 0037).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Q

from mesoclinic.availability import model as engine
from mesoclinic.availability.course import place_course
from mesoclinic.availability.intervals import Busy, Interval
from mesoclinic.availability.model import CoursePlacement, CourseQuery, SlotQuery
from mesoclinic.scheduling.models import MAX_HELD, Appointment, Room, Service
from mesoclinic.scheduling.selectors import (
    Calendar,
    calendar_load,
    engine_service,
    holding,
    practitioners_at,
    site_zone,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mesoclinic.accounts.models import Site, User

# Rounds of reading rooms' bookings near a course's sessions before reading the whole window.
ROOM_ROUNDS = 4


def session_windows(
    first_day: dt.date, *, sessions: int, interval_days: int, tolerance_days: int
) -> list[tuple[dt.date, dt.date]]:
    """The local dates each session may land on (its ideal date, give or take the tolerance),
    as inclusive ranges in order, those that touch or overlap joined."""
    windows: list[tuple[dt.date, dt.date]] = []
    tolerance = dt.timedelta(days=tolerance_days)
    for k in range(sessions):
        ideal = first_day + dt.timedelta(days=k * interval_days)
        lo, hi = ideal - tolerance, ideal + tolerance
        if windows and lo <= windows[-1][1] + dt.timedelta(days=1):
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def room_bookings_near(
    room_ids: Sequence[int], holds: Sequence[tuple[dt.datetime, dt.datetime]]
) -> dict[int, tuple[int, dt.datetime, dt.datetime]]:
    """The bookings of ``room_ids`` that hold time overlapping one of ``holds`` (held spans,
    buffers included), by id: ``(room, held_from, held_until)``. One query."""
    near = Q(pk__in=[])
    for held_from, held_until in holds:
        near |= Q(
            held_from__lt=held_until, held_until__gt=held_from, held_from__gt=held_from - MAX_HELD
        )
    rows = Appointment.objects.filter(holding(), near, room_id__in=room_ids).order_by()
    return {
        pk: (room, lo, hi)
        for pk, room, lo, hi in rows.values_list("pk", "room_id", "held_from", "held_until")
    }


def course_placement(
    *,
    site: Site,
    service: Service,
    first_start: dt.datetime,
    sessions: int,
    interval_days: int,
    tolerance_days: int,
    preferred: User | None,
    patient_id: int | None,
) -> tuple[CoursePlacement, dict[int, User]]:
    """Where the course's sessions would go now, and the practitioners by id; writes nothing.

    A practitioner asked for (``preferred``) gives every session, as the API promises, so only
    their calendar is read; otherwise every practitioner of the site is a candidate, the one
    who takes the first session preferred for the rest. ``course_book`` calls this, then
    re-checks each session as it writes.

    With a practitioner asked for and a service that needs a room, the rooms' bookings are read
    only where the sessions land (decision 0037): the course is placed as if the rooms were
    free, the rooms' bookings around those sessions are read, and it is placed again, until
    every session lands where the rooms' bookings are known. That is the placement against
    every room booking: a missing booking can only make a slot look free, so a session that
    is the best among slots that look free, and is free on complete data, is the best of the
    truly free ones. After ``ROOM_ROUNDS`` rounds the whole window's room bookings are read.
    Cost: the practitioner's and patient's rows over the window, plus a few rows per session
    per round, in place of every room booking of the window (thousands in a busy clinic).
    """
    staff = (
        {preferred.pk: preferred}
        if preferred is not None
        else {p.pk: p for p in practitioners_at(site)}
    )
    zone = site_zone(site)
    first_day = first_start.astimezone(zone).date()
    span = dt.timedelta(days=(sessions - 1) * interval_days + tolerance_days)
    windows = session_windows(
        first_day, sessions=sessions, interval_days=interval_days, tolerance_days=tolerance_days
    )

    def place(calendar: Calendar, rooms: tuple[engine.Room, ...]) -> CoursePlacement:
        return place_course(
            CourseQuery(
                slots=SlotQuery(
                    site=calendar.site,
                    service=engine_service(service),
                    practitioners=calendar.practitioners,
                    first_day=first_day,
                    last_day=first_day,
                    rooms=rooms,
                    patient_busy=calendar.patient_busy,
                ),
                first_start=first_start,
                sessions=sessions,
                interval_days=interval_days,
                tolerance_days=tolerance_days,
                preferred_practitioner=str(preferred.pk) if preferred else None,
            )
        )

    def load(room_type: str) -> Calendar:
        return calendar_load(
            site=site,
            practitioners=list(staff.values()),
            first_day=first_day - dt.timedelta(days=tolerance_days),
            last_day=first_day + span,
            room_type=room_type,
            patient_id=patient_id,
            busy_days=windows,
        )

    if preferred is not None and service.room_type:
        calendar = load("")
        room_rows = list(
            Room.objects.filter(site=site, room_type=service.room_type, active=True).order_by(
                "name", "pk"
            )
        )
        before, after = service.buffer_before, service.buffer_after
        known: list[tuple[dt.datetime, dt.datetime]] = []  # held spans whose bookings are read
        bookings: dict[int, tuple[int, dt.datetime, dt.datetime]] = {}
        for _ in range(ROOM_ROUNDS):
            by_room: dict[int, list[Interval]] = defaultdict(list)
            for room_id, lo, hi in bookings.values():
                by_room[room_id].append(Interval(lo, hi))
            rooms = tuple(
                engine.Room(str(r.pk), r.room_type, Busy.of(by_room[r.pk])) for r in room_rows
            )
            placement = place(calendar, rooms)
            new = [
                (slot.start - before, slot.end + after)
                for slot in placement.sessions
                if not any(lo <= slot.start - before and slot.end + after <= hi for lo, hi in known)
            ]
            if not new:
                return placement, staff
            bookings.update(room_bookings_near([r.pk for r in room_rows], new))
            known += new
    calendar = load(service.room_type)
    return place(calendar, calendar.rooms), staff
