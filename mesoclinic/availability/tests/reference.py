"""An independent, slow statement of what the engine must return, minute by minute.

It shares no code with the engine: it reads the site's clock at every real minute of the
window (``astimezone`` from UTC, which is never ambiguous) and applies the definitions
literally, with sets of minutes instead of intervals:

- a wall-clock interval [start, end) on a date holds every minute from the first minute the
  clock shows ``start`` or later to the last minute it shows a time before ``end``;
- a slot starts at the first minute the clock shows a grid time (00:00, step, ...), and exists
  when every minute it and its buffers need is free.

Every input must be in whole minutes (the strategies only make such inputs).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mesoclinic.availability.intervals import Busy
from mesoclinic.availability.model import (
    CoursePlacement,
    CourseQuery,
    Practitioner,
    Room,
    Slot,
    SlotQuery,
)

UTC = dt.UTC
MINUTE = dt.timedelta(minutes=1)


class Clock:
    """Every real minute from two days before ``first_day`` to three days after ``last_day``."""

    def __init__(self, zone: ZoneInfo, first_day: dt.date, last_day: dt.date) -> None:
        self.origin = dt.datetime.combine(first_day - dt.timedelta(days=2), dt.time(), UTC)
        count = ((last_day - first_day).days + 5) * 24 * 60
        self.readings = [
            (self.origin + k * MINUTE).astimezone(zone).replace(tzinfo=None) for k in range(count)
        ]
        self.first: dict[dt.datetime, int] = {}
        for k, reading in enumerate(self.readings):
            self.first.setdefault(reading, k)

    def instant(self, k: int) -> dt.datetime:
        return self.origin + k * MINUTE

    def index(self, instant: dt.datetime) -> int:
        return (instant - self.origin) // MINUTE

    def minutes_of(self, day: dt.date, start: dt.time, end: dt.time) -> set[int]:
        start_at = dt.datetime.combine(day, start)
        end_day = day + dt.timedelta(days=1) if end == dt.time(0) else day
        end_at = dt.datetime.combine(end_day, end)
        # No zone is more than 15 hours from UTC, so only minutes within 15 hours of a wall
        # time can show it: the scan starts and stops there.
        span = 15 * 60
        first = max(0, self._naive_index(start_at) - span)
        shown = next(
            (k for k in range(first, len(self.readings)) if self.readings[k] >= start_at), None
        )
        last = min(len(self.readings) - 1, self._naive_index(end_at) + span)
        before = next((k for k in range(last, -1, -1) if self.readings[k] < end_at), None)
        if shown is None or before is None or before < shown:
            return set()
        return set(range(shown, before + 1))

    def _naive_index(self, wall: dt.datetime) -> int:
        return (wall.replace(tzinfo=UTC) - self.origin) // MINUTE

    def busy_minutes(self, busy: Busy) -> set[int]:
        minutes: set[int] = set()
        for start, end in zip(busy.starts, busy.ends, strict=True):
            minutes.update(range(self.index(start), self.index(end)))
        return minutes

    def first_showing(self, wall: dt.datetime) -> int | None:
        return self.first.get(wall)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _working(clock: Clock, query: SlotQuery, practitioner: Practitioner) -> set[int]:
    minutes: set[int] = set()
    off: set[int] = set()
    for day in _days(query.first_day - dt.timedelta(days=1), query.last_day + dt.timedelta(1)):
        if day in practitioner.days_off:
            continue
        for hours in practitioner.hours:
            in_effect = (
                hours.weekday == day.weekday()
                and (hours.effective_from is None or hours.effective_from <= day)
                and (hours.effective_to is None or day <= hours.effective_to)
            )
            if in_effect and day not in query.site.public_holidays:
                minutes |= clock.minutes_of(day, hours.start, hours.end)
        for extra in practitioner.extra_hours:
            if extra.day == day:
                minutes |= clock.minutes_of(day, extra.start, extra.end)
        for leave in practitioner.time_off:
            if leave.day == day:
                off |= clock.minutes_of(day, leave.start, leave.end)
    return minutes - off


def reference_slots(
    query: SlotQuery, placed: tuple[Slot, ...] = (), clock: Clock | None = None
) -> tuple[Slot, ...]:
    """What ``free_slots(query)`` must return; ``placed`` count as extra bookings.

    ``clock`` may be one built for a wider range of dates, to be shared between queries.
    """
    zone = ZoneInfo(query.site.zone)
    clock = clock or Clock(zone, query.first_day, query.last_day)
    service = query.service
    steps = dt.timedelta(days=1) // query.step
    rooms: list[Room] = [r for r in query.rooms if r.room_type == service.room_type]
    room_busy = {room.id: clock.busy_minutes(room.busy) for room in rooms}
    patient_busy = clock.busy_minutes(query.patient_busy)
    before, duration, after = (
        service.buffer_before // MINUTE,
        service.duration // MINUTE,
        service.buffer_after // MINUTE,
    )
    for slot in placed:
        first, last = clock.index(slot.start), clock.index(slot.end)
        patient_busy |= set(range(first, last))
        if slot.room in room_busy:
            room_busy[slot.room] |= set(range(first - before, last + after))
    slots = []
    for practitioner in query.practitioners:
        if service.qualification is not None and (
            service.qualification not in practitioner.qualifications
        ):
            continue
        if service.room_type is not None and not rooms:
            continue
        busy = clock.busy_minutes(practitioner.busy)
        for slot in placed:
            if slot.practitioner == practitioner.id:
                first, last = clock.index(slot.start), clock.index(slot.end)
                busy |= set(range(first - before, last + after))
        free = _working(clock, query, practitioner) - busy
        for day in _days(query.first_day, query.last_day):
            for k in range(steps):
                start = clock.first_showing(dt.datetime.combine(day, dt.time()) + k * query.step)
                if start is None:
                    continue
                staff = set(range(start - before, start + duration + after))
                if not staff <= free:
                    continue
                if not patient_busy.isdisjoint(range(start, start + duration)):
                    continue
                room_id = None
                if rooms:
                    room_id = next((r.id for r in rooms if staff.isdisjoint(room_busy[r.id])), None)
                    if room_id is None:
                        continue
                slots.append(
                    Slot(
                        clock.instant(start),
                        clock.instant(start + duration),
                        practitioner.id,
                        room_id,
                    )
                )
    return tuple(sorted(slots, key=lambda slot: (slot.start, slot.practitioner)))


def reference_course(query: CourseQuery) -> CoursePlacement:
    """What ``place_course(query)`` must return, by the ranking in the module's docstring."""
    zone = ZoneInfo(query.slots.site.zone)
    local_first = query.first_start.astimezone(zone).replace(tzinfo=None)
    service = query.slots.service
    preferred = next(
        (
            p.id
            for p in query.slots.practitioners
            if p.id == query.preferred_practitioner
            and (service.qualification is None or service.qualification in p.qualifications)
        ),
        None,
    )
    reach = dt.timedelta(days=query.tolerance_days)
    clock = Clock(
        zone,
        (local_first - reach).date(),
        (
            local_first + (query.sessions - 1) * dt.timedelta(days=query.interval_days) + reach
        ).date(),
    )
    placed: tuple[Slot, ...] = ()
    for number in range(1, query.sessions + 1):
        ideal = local_first + dt.timedelta(days=(number - 1) * query.interval_days)
        window = dt.timedelta(days=query.tolerance_days)
        candidates = reference_slots(
            SlotQuery(
                site=query.slots.site,
                service=query.slots.service,
                practitioners=query.slots.practitioners,
                first_day=(ideal - window).date(),
                last_day=(ideal + window).date(),
                rooms=query.slots.rooms,
                patient_busy=query.slots.patient_busy,
                step=query.slots.step,
            ),
            placed,
            clock,
        )
        candidates = tuple(c for c in candidates if not placed or c.start >= placed[-1].end)
        if not candidates:
            return CoursePlacement(placed, failed_session=number)

        def rank(
            slot: Slot, ideal: dt.datetime = ideal, preferred: str | None = preferred
        ) -> tuple[object, ...]:
            wall = slot.start.astimezone(zone).replace(tzinfo=None)
            target = dt.datetime.combine(wall.date(), ideal.time())
            days_off = abs((wall.date() - ideal.date()).days)
            return (
                slot.practitioner != preferred,
                days_off,
                wall.date(),
                abs(wall - target),
                slot.start,
                slot.practitioner,
            )

        best = min(candidates, key=rank)
        placed = (*placed, best)
        preferred = preferred or best.practitioner
    return CoursePlacement(placed)
