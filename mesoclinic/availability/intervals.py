"""Half-open real-time intervals and a resource's busy time, sorted and merged once.

Every interval here is ``[start, end)`` between aware datetimes in UTC: two bookings that touch
(one ends at 10:00, the next starts at 10:00) do not overlap. ``Busy`` is built once per
resource (O(n log n)) and then read per query by bisection, O(log n + k) for the k intervals in
the query's window, so a query never scans a calendar's whole history (decision 0022).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from mesoclinic.availability.errors import AvailabilityError, Problem

UTC = dt.UTC


@dataclass(frozen=True)
class Interval:
    """``[start, end)`` between aware datetimes."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Busy:
    """Disjoint, sorted busy intervals of one resource (UTC); build it with ``Busy.of``.

    ``starts`` and ``ends`` are parallel tuples, both strictly increasing once merged, which is
    what lets ``between`` bisect on either.
    """

    starts: tuple[dt.datetime, ...] = ()
    ends: tuple[dt.datetime, ...] = ()

    @classmethod
    def of(cls, intervals: Iterable[Interval], *, path: str = "busy") -> Busy:
        """Sort and merge ``intervals`` (overlapping or touching ones become one).

        Raises ``AvailabilityError`` naming ``path[i]`` for each naive or empty interval.
        """
        problems = []
        normalised = []
        for i, interval in enumerate(intervals):
            if interval.start.tzinfo is None or interval.end.tzinfo is None:
                problems.append(Problem(f"{path}[{i}]", "start and end must be aware datetimes"))
                continue
            start, end = interval.start, interval.end
            # Rows read from the database are in UTC already; converting them anyway was a
            # quarter of a course's availability.
            if start.tzinfo is not UTC:
                start = start.astimezone(UTC)
            if end.tzinfo is not UTC:
                end = end.astimezone(UTC)
            if end <= start:
                problems.append(Problem(f"{path}[{i}]", f"end {end} is not after start {start}"))
                continue
            normalised.append((start, end))
        if problems:
            raise AvailabilityError(problems)
        merged = merge(normalised)
        return cls(tuple(s for s, _ in merged), tuple(e for _, e in merged))

    def __len__(self) -> int:
        return len(self.starts)

    def between(self, lo: dt.datetime, hi: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        """The busy intervals that overlap ``[lo, hi)``, in order, by bisection."""
        first = bisect.bisect_right(self.ends, lo)
        last = bisect.bisect_left(self.starts, hi, lo=first)
        return list(zip(self.starts[first:last], self.ends[first:last], strict=True))


Span = tuple[dt.datetime, dt.datetime]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sort ``spans`` and join those that overlap or touch."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """``spans`` minus ``holes``, both sorted and disjoint, in one sweep over the two lists."""
    result: list[Span] = []
    i = 0
    for start, end in spans:
        while i < len(holes) and holes[i][1] <= start:
            i += 1
        j = i
        cursor = start
        while j < len(holes) and holes[j][0] < end:
            if holes[j][0] > cursor:
                result.append((cursor, holes[j][0]))
            cursor = max(cursor, holes[j][1])
            j += 1
        if cursor < end:
            result.append((cursor, end))
    return result
