"""Local wall-clock times to real instants, deliberately across DST gaps and folds.

The rule (decision 0020): a wall-clock interval ``[start, end)`` on a local date holds every
instant from the first moment the site's clock shows ``start`` or later, to the last moment it
shows a time before ``end``. So:

- an edge in a gap (a time the clock skips, spring forward) moves to the first valid instant
  after it, the moment of the change: 02:30-05:00 on a London spring-forward day starts at
  03:00 BST;
- a start in a fold (a time the clock shows twice, fall back) is its first occurrence, an end in
  a fold its last, and the interval's real length follows: 01:00-03:00 on a London fall-back
  day holds three real hours.

Slot starts are wall-clock times too (``day_grid``): a start in a gap does not exist and is
skipped, a start in a fold is its first occurrence only, so no slot start is shifted or
duplicated.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from mesoclinic.availability.intervals import UTC

TINY = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)


def _utc(local: dt.datetime, zone: ZoneInfo, fold: int) -> dt.datetime:
    return local.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def exists(local: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether the clock ever shows the naive ``local`` (False inside a spring-forward gap)."""
    utc = _utc(local, zone, 0)
    return utc.astimezone(zone).replace(tzinfo=None) == local


def _change_in_gap(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The instant of the change that skips ``local``: the first valid instant after it.

    Read with the offset before the change (fold 0) the time lands after the change, read with
    the offset after it (fold 1) before; the change lies in between, found by bisection to the
    microsecond (about 32 steps for a one-hour gap; gaps are rare, so this is rarely paid).
    """
    before, after = _utc(local, zone, 1), _utc(local, zone, 0)
    target = after.astimezone(zone).utcoffset()
    while after - before > TINY:
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == target:
            after = middle
        else:
            before = middle
    return after


def start_instant(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant at which the clock shows ``local`` or later."""
    if not exists(local, zone):
        return _change_in_gap(local, zone)
    return _utc(local, zone, 0)


def end_instant(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The instant just after the last moment the clock shows a time before ``local``."""
    if not exists(local, zone):
        return _change_in_gap(local, zone)
    first, last = _utc(local, zone, 0), _utc(local, zone, 1)
    if first != last and _utc(local - TINY, zone, 0) == _utc(local - TINY, zone, 1):
        # ``local`` is the very first time of a fold: the clock shows earlier times only
        # before its first occurrence.
        return first
    return last


def local_span(
    day: dt.date, start: dt.time, end: dt.time, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime] | None:
    """The real ``[start, end)`` of a wall-clock interval on ``day`` (``end`` 00:00 is 24:00).

    ``None`` when nothing of it exists (it lies wholly inside a gap).
    """
    start_local = dt.datetime.combine(day, start)
    end_day = day + DAY if end == dt.time(0, 0) else day
    lo = start_instant(start_local, zone)
    hi = end_instant(dt.datetime.combine(end_day, end), zone)
    return (lo, hi) if lo < hi else None


@lru_cache(maxsize=2048)
def day_grid(day: dt.date, step: dt.timedelta, zone: ZoneInfo) -> tuple[dt.datetime, ...]:
    """The real instants of wall-clock times 00:00, step, 2 x step ... on ``day``, in order.

    Times in a gap are left out; a time in a fold appears once, at its first occurrence.
    Each grid costs two zone conversions per time (about 0.5 ms for a 15-minute step), and
    booking screens and courses ask for the same dates again and again, so grids are memoised
    by value (a pure function of date, step and zone; at most 2,048 grids, a few megabytes).
    """
    midnight = dt.datetime.combine(day, dt.time(0, 0))
    count = DAY // step
    grid = []
    for k in range(count):
        local = midnight + k * step
        utc = _utc(local, zone, 0)
        if utc.astimezone(zone).replace(tzinfo=None) == local:
            grid.append(utc)
    return tuple(grid)
