"""Courses: N sessions D days apart, each within T days of its ideal date, all checked.

Session k's ideal start is the local date of ``first_start`` plus (k - 1) x D days, at the local
wall-clock time of ``first_start`` (so a 09:00 course stays at 09:00 across DST changes). The
sessions are placed one after another, in order; each takes the best free slot by, in turn:

1. the preferred practitioner (the one asked for if qualified, else whoever takes session 1)
   before any other qualified one;
2. the date nearest its ideal date, the earlier of two equally near;
3. the wall-clock time nearest the ideal time, then the earlier start, then practitioner id.

A session must start no earlier than the previous one ends, and every session already placed
counts as a booking of its practitioner, its room and the patient, so sessions never overlap
each other or anything else. Placement is greedy: when no slot is left for session k, given the
sessions before it, the result names k and holds the k - 1 placed, and nothing is moved back to
make room. Every session is computed against the full busy times, never only the first two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from mesoclinic.availability.model import CoursePlacement, CourseQuery, Practitioner, Slot
from mesoclinic.availability.slots import Context, dates
from mesoclinic.availability.validation import checked_course_query
from mesoclinic.availability.wallclock import DAY


def place_course(query: CourseQuery) -> CoursePlacement:
    """Place every session of the course, or name the first that cannot be placed.

    Costs, per session, one day's slot computation for the preferred practitioner per date
    tried, and for every other qualified practitioner only when the preferred one has no slot
    in the whole tolerance window. Raises ``AvailabilityError`` for bad input.
    """
    zone = checked_course_query(query)
    local_first = query.first_start.astimezone(zone)
    ideal_time = local_first.time().replace(tzinfo=None, fold=0)
    tolerance = query.tolerance_days * DAY
    ideal_days = [local_first.date() + k * query.interval_days * DAY for k in range(query.sessions)]
    windows = [dates(day - tolerance, day + tolerance) for day in ideal_days]
    context = Context.of(query.slots, zone)

    qualified = {practitioner.id for practitioner in context.practitioners}
    preferred = query.preferred_practitioner if query.preferred_practitioner in qualified else None
    placed: list[Slot] = []
    for number, (ideal_day, window) in enumerate(zip(ideal_days, windows, strict=True), 1):
        ideal = dt.datetime.combine(ideal_day, ideal_time)
        groups = [
            [p for p in context.practitioners if p.id == preferred],
            [p for p in context.practitioners if p.id != preferred],
        ]
        slot = None
        for group in groups:
            slot = _best(context, group, window, ideal, placed)
            if slot is not None:
                break
        if slot is None:
            return CoursePlacement(tuple(placed), failed_session=number)
        placed.append(slot)
        preferred = preferred or slot.practitioner
    return CoursePlacement(tuple(placed))


def _best(
    context: Context,
    practitioners: Sequence[Practitioner],
    window: Sequence[dt.date],
    ideal: dt.datetime,
    placed: Sequence[Slot],
) -> Slot | None:
    """The best slot of ``practitioners`` in ``window`` for the ideal wall-clock ``ideal``."""
    not_before = placed[-1].end if placed else None
    for day in sorted(window, key=lambda d: (abs((d - ideal.date()).days), d)):
        candidates = [
            slot
            for practitioner in practitioners
            for slot in context.practitioner_slots(practitioner, day, day, placed)
            if not_before is None or slot.start >= not_before
        ]
        if candidates:
            target = dt.datetime.combine(day, ideal.time())
            return min(candidates, key=lambda slot: _distance(slot, target, context.zone))
    return None


def _distance(
    slot: Slot, target: dt.datetime, zone: ZoneInfo
) -> tuple[dt.timedelta, dt.datetime, str]:
    """How far ``slot`` is from the wall-clock ``target``, ties to the earlier, then by id."""
    wall = slot.start.astimezone(zone).replace(tzinfo=None)
    return abs(wall - target), slot.start, slot.practitioner
