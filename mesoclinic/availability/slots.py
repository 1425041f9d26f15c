"""Free slots: working time minus busy time, on the wall-clock grid, in one sweep per practitioner.

A slot of a service starting at ``s`` occupies (decision 0021):

- the practitioner for ``[s - buffer_before, s + duration + buffer_after)``, which must lie in
  their working time and overlap none of their busy intervals;
- the room, when the service needs one, for the same span: the first room of the type, in the
  order given, whose busy intervals it does not overlap;
- the patient for ``[s, s + duration)``, which must overlap none of the patient's bookings.

For each practitioner (decision 0022):

1. their working time over the window (``hours.working_spans``), one day wider either side so
   that buffers and slots may run across midnight into working time;
2. minus their busy intervals in that range, read by bisection (``Busy.between``), giving free
   time; each free span admits starts from ``start + buffer_before`` to
   ``end - duration - buffer_after``;
3. the grid's starts inside those ranges (bisection into the sorted grid), each checked
   against the patient's and the rooms' busy intervals by pointers that only move forward.

So a query costs O(log n) per resource to find its window plus O(k + g) for the k busy
intervals and g grid starts inside it, never a scan of every booking per slot.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mesoclinic.availability.hours import working_spans
from mesoclinic.availability.intervals import Busy, Span, merge, subtract
from mesoclinic.availability.model import Practitioner, Room, Slot, SlotQuery
from mesoclinic.availability.validation import checked_slot_query
from mesoclinic.availability.wallclock import DAY, day_grid


def free_slots(query: SlotQuery) -> tuple[Slot, ...]:
    """Every free slot of ``query.service`` starting on ``query.first_day`` to ``last_day``.

    Sorted by start, then practitioner id; one slot per start and practitioner, with the first
    free room of the type. Two slots at the same start may name the same room: each is an
    offer, and booking one re-checks the room. Raises ``AvailabilityError`` for bad input.
    """
    zone = checked_slot_query(query)
    days = dates(query.first_day, query.last_day)
    context = Context.of(query, zone)
    slots: list[Slot] = []
    for practitioner in context.practitioners:
        slots += context.practitioner_slots(practitioner, days[0], days[-1])
    slots.sort(key=lambda slot: (slot.start, slot.practitioner))
    return tuple(slots)


def dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + k * DAY for k in range((last - first).days + 1)]


class _Blocker:
    """Open ranges ``(lo, hi)`` of forbidden starts, asked about in increasing order of start.

    The ranges come from merged busy intervals shifted by constants, so their starts and their
    ends both increase, and one pointer that only moves forward answers every question.
    """

    def __init__(self, ranges: list[Span]) -> None:
        self.ranges = ranges
        self.i = 0

    def blocks(self, start: dt.datetime) -> bool:
        ranges = self.ranges
        while self.i < len(ranges) and ranges[self.i][1] <= start:
            self.i += 1
        return self.i < len(ranges) and ranges[self.i][0] < start


def _busy_in(busy: Busy, extra: Sequence[Span], lo: dt.datetime, hi: dt.datetime) -> list[Span]:
    window = busy.between(lo, hi)
    return merge([*window, *extra]) if extra else window


@dataclass(frozen=True)
class Context:
    """What one query's computations share: the checked query, its zone, the qualified
    practitioners and the rooms of the type.

    Built per call and dropped with it, so the engine keeps no state between calls.
    """

    query: SlotQuery
    zone: ZoneInfo
    practitioners: tuple[Practitioner, ...]
    rooms: tuple[Room, ...]

    @classmethod
    def of(cls, query: SlotQuery, zone: ZoneInfo) -> Context:
        service = query.service
        return cls(
            query=query,
            zone=zone,
            practitioners=tuple(
                practitioner
                for practitioner in query.practitioners
                if service.qualification is None
                or service.qualification in practitioner.qualifications
            ),
            rooms=tuple(room for room in query.rooms if room.room_type == service.room_type),
        )

    def practitioner_slots(
        self,
        practitioner: Practitioner,
        first_day: dt.date,
        last_day: dt.date,
        placed: Sequence[Slot] = (),
    ) -> list[Slot]:
        """The practitioner's free slots starting on ``first_day`` to ``last_day``, in order.

        ``placed`` are slots taken since the busy times were read (earlier sessions of a
        course): they count as bookings of their practitioner, room and the patient.
        """
        query, service = self.query, self.query.service
        if service.room_type is not None and not self.rooms:
            return []
        before, after, duration = service.buffer_before, service.buffer_after, service.duration
        spans = working_spans(practitioner, query.site, self.zone, first_day - DAY, last_day + DAY)
        if not spans:
            return []
        lo, hi = spans[0][0], spans[-1][1]
        # What each placed session holds of its practitioner and room: buffers included.
        held = [(slot, (slot.start - before, slot.end + after)) for slot in placed]
        mine = [span for slot, span in held if slot.practitioner == practitioner.id]
        free = subtract(spans, _busy_in(practitioner.busy, mine, lo, hi))
        allowed = [
            (start + before, end - duration - after)
            for start, end in free
            if end - start >= before + duration + after
        ]
        grid = [
            start
            for day in dates(first_day, last_day)
            for start in day_grid(day, query.step, self.zone)
        ]

        # A start s is refused where [s, s + duration) meets a patient booking [a, b), i.e.
        # for a - duration < s < b; and where the room's [s - before, s + duration + after)
        # meets a room booking, i.e. for a - duration - after < s < b + before.
        patient_held = [(slot.start, slot.end) for slot in placed]
        patient_busy = _busy_in(query.patient_busy, patient_held, lo, hi)
        patient = _Blocker([(a - duration, b) for a, b in patient_busy])
        rooms = []
        for room in self.rooms:
            room_held = [span for slot, span in held if slot.room == room.id]
            room_busy = _busy_in(room.busy, room_held, lo, hi)
            blocker = _Blocker([(a - duration - after, b + before) for a, b in room_busy])
            rooms.append((room.id, blocker))

        slots = []
        for first, last in allowed:
            for k in range(bisect.bisect_left(grid, first), bisect.bisect_right(grid, last)):
                start = grid[k]
                if patient.blocks(start):
                    continue
                room_id = None
                if rooms:
                    room_id = next((rid for rid, room in rooms if not room.blocks(start)), None)
                    if room_id is None:
                        continue
                slots.append(Slot(start, start + duration, practitioner.id, room_id))
        return slots
