"""The time an appointment holds, and the locks that queue the bookings of the same resources.

Every booking (one appointment, a course, a move) takes ``lock_resources`` before it re-checks
for overlap and writes (decision 0033).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection

from mesoclinic.scheduling.selectors import site_zone

if TYPE_CHECKING:
    from mesoclinic.accounts.models import Site
    from mesoclinic.scheduling.models import Service


@dataclass(frozen=True)
class Hold:
    """The time one appointment takes (``start`` to ``end``) and holds (buffers included)."""

    start: dt.datetime
    end: dt.datetime
    held_from: dt.datetime
    held_until: dt.datetime

    @classmethod
    def of(cls, service: Service, start: dt.datetime) -> Hold:
        end = start + service.duration
        return cls(start, end, start - service.buffer_before, end + service.buffer_after)


def lock_resources(
    site: Site,
    *,
    practitioner_ids: Iterable[int],
    room_ids: Iterable[int],
    patient_id: int,
    holds: Sequence[Hold],
) -> None:
    """Queue this transaction behind others booking the same practitioner, room or patient on
    the same local days (PostgreSQL; SQLite's IMMEDIATE transaction holds the whole database).

    Transaction-scoped advisory locks, one per (resource, day), all taken in one statement in
    key order, so two bookings never wait for each other in a cycle, and two bookings of
    different days or different people never wait at all. Every room a booking could fall back
    to is locked, so the choice made after the lock stands. The exclusion constraints stay the
    guard; the locks make the re-check below them exact, so a lost race is a clean 409
    instead of a constraint violation, and deadlocks do not occur (decision 0033).
    """
    if connection.vendor != "postgresql":
        return
    zone = site_zone(site)
    days: set[int] = set()
    for hold in holds:
        day = hold.held_from.astimezone(zone).date()
        last = hold.held_until.astimezone(zone).date()
        while day <= last:
            days.add(day.toordinal())
            day += dt.timedelta(days=1)
    keys = {_key(_PATIENT, patient_id, 0)}
    for kind, ids in ((_PRACTITIONER, practitioner_ids), (_ROOM, room_ids)):
        keys.update(_key(kind, pk, day) for pk in ids for day in days)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [sorted(keys)]
        )


_PRACTITIONER, _ROOM, _PATIENT = 1, 2, 3


def _key(kind: int, pk: int, day: int) -> int:
    """One advisory lock key: 4 bits of kind, 35 of id, 24 of day (``date.toordinal()``)."""
    return (kind << 59) | ((pk & (2**35 - 1)) << 24) | day
