"""Values that go into and come out of the availability engine.

Everything is a frozen dataclass: the engine never mutates its input and a result cannot change
under the caller. Two kinds of time appear, never mixed:

- local wall-clock times (``dt.date`` and naive ``dt.time``) for what people set in the site's
  zone: working hours, extra hours, leave, public holidays, the window of dates;
- aware instants (``dt.datetime`` with a ``tzinfo``, normalised to UTC) for what happens at a real
  moment: bookings (busy intervals) and the slots the engine returns.

How a wall-clock interval becomes real time across DST changes is in ``wallclock.py``
(decision 0020).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mesoclinic.availability.intervals import Busy

MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class WeeklyHours:
    """Working hours on one weekday (0 is Monday), for dates in [effective_from, effective_to].

    ``end`` is after ``start`` on the same day, or ``MIDNIGHT`` for the end of the day (24:00).
    Either effective bound may be ``None`` for open-ended.
    """

    weekday: int
    start: dt.time
    end: dt.time
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass(frozen=True)
class LocalInterval:
    """A wall-clock interval on one local date; ``end`` may be ``MIDNIGHT`` for 24:00."""

    day: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Practitioner:
    """Who can deliver a service, when they work, and when they are already busy.

    A day's working time is its weekly hours (none on a site's public holiday), plus its
    ``extra_hours``, minus ``time_off``; a date in ``days_off`` has none at all.
    ``busy`` holds the practitioner's bookings as real intervals, each including the buffers it
    was booked with.
    """

    id: str
    qualifications: frozenset[str] = frozenset()
    hours: tuple[WeeklyHours, ...] = ()
    extra_hours: tuple[LocalInterval, ...] = ()
    time_off: tuple[LocalInterval, ...] = ()
    days_off: tuple[dt.date, ...] = ()
    busy: Busy = field(default_factory=Busy)


@dataclass(frozen=True)
class Room:
    """A treatment room of a type (e.g. ``"treatment"``) with its bookings, buffers included."""

    id: str
    room_type: str
    busy: Busy = field(default_factory=Busy)


@dataclass(frozen=True)
class Site:
    """The clinic site: its IANA zone (e.g. ``"Europe/London"``) and public holidays."""

    zone: str
    public_holidays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class Service:
    """What is booked: its real duration, buffers either side, and what it needs.

    The buffers are preparation and clean-up time of the practitioner and the room, not the
    patient's (decision 0021). ``room_type`` ``None`` needs no room; ``qualification`` ``None``
    is open to every practitioner.
    """

    duration: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)
    room_type: str | None = None
    qualification: str | None = None


@dataclass(frozen=True)
class SlotQuery:
    """Free slots of ``service`` for ``first_day`` to ``last_day`` (local dates, inclusive).

    Slots start on the wall-clock grid 00:00, ``step``, 2 x ``step``, ... of each local date;
    ``step`` is a whole number of minutes that divides a day.
    """

    site: Site
    service: Service
    practitioners: tuple[Practitioner, ...]
    first_day: dt.date
    last_day: dt.date
    rooms: tuple[Room, ...] = ()
    patient_busy: Busy = field(default_factory=Busy)
    step: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Slot:
    """A free slot: real start and end (aware, UTC), who, and which room (``None``: no room)."""

    start: dt.datetime
    end: dt.datetime
    practitioner: str
    room: str | None


@dataclass(frozen=True)
class CourseQuery:
    """``sessions`` sessions, the k-th ideally on the local date of ``first_start`` plus
    (k - 1) x ``interval_days`` at the same local time, each on a date at most
    ``tolerance_days`` either side of its ideal date.

    ``preferred_practitioner`` ``None`` (or one without the service's qualification) prefers
    whoever takes the first session.
    ``slots.first_day`` and ``slots.last_day`` are ignored: each session has its own window.
    """

    slots: SlotQuery
    first_start: dt.datetime
    sessions: int
    interval_days: int
    tolerance_days: int = 0
    preferred_practitioner: str | None = None


@dataclass(frozen=True)
class CoursePlacement:
    """Either every session placed (``failed_session`` ``None``) or the first that failed.

    ``failed_session`` counts from 1; ``sessions`` then holds the sessions placed before it.
    """

    sessions: tuple[Slot, ...]
    failed_session: int | None = None

    @property
    def placed(self) -> bool:
        return self.failed_session is None
