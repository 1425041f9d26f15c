"""Checks of a query before any slot is computed: every problem at once, each with its path.

Busy intervals are checked where they are built (``Busy.of``), once per calendar rather than
once per query.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mesoclinic.availability.errors import AvailabilityError, Problem
from mesoclinic.availability.model import (
    MIDNIGHT,
    CourseQuery,
    LocalInterval,
    SlotQuery,
    WeeklyHours,
)

# A year and a bit: enough for any booking screen or course, small enough that a mistyped year
# cannot make one query compute decades of slots.
MAX_WINDOW_DAYS = 400
MINUTES_PER_DAY = 24 * 60


def _zone(name: str, problems: list[Problem]) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("site.zone", f'unknown IANA time zone "{name}"'))
        return None


def _wall_times(path: str, start: dt.time, end: dt.time, problems: list[Problem]) -> None:
    if start.tzinfo is not None or end.tzinfo is not None:
        problems.append(Problem(path, "start and end are wall-clock times, without a tzinfo"))
    elif end != MIDNIGHT and end <= start:
        problems.append(Problem(f"{path}.end", f"{end} is not after start {start}"))


def _hours(path: str, hours: WeeklyHours, problems: list[Problem]) -> None:
    if not 0 <= hours.weekday <= 6:
        problems.append(Problem(f"{path}.weekday", f"{hours.weekday} is not 0 (Monday) to 6"))
    _wall_times(path, hours.start, hours.end, problems)
    if (
        hours.effective_from is not None
        and hours.effective_to is not None
        and hours.effective_to < hours.effective_from
    ):
        problems.append(
            Problem(f"{path}.effective_to", f"{hours.effective_to} is before effective_from")
        )


def _intervals(path: str, intervals: tuple[LocalInterval, ...], problems: list[Problem]) -> None:
    for i, interval in enumerate(intervals):
        _wall_times(f"{path}[{i}]", interval.start, interval.end, problems)


def _whole_minutes(path: str, value: dt.timedelta, *, positive: bool) -> str | None:
    if value < dt.timedelta(0) or (positive and not value):
        return f"{value} must be {'positive' if positive else 'zero or more'}"
    if value % dt.timedelta(minutes=1):
        return f"{value} is not a whole number of minutes"
    return None


def _slot_problems(query: SlotQuery, problems: list[Problem]) -> ZoneInfo | None:
    """Problems of everything but the window, and the zone where it is valid."""
    zone = _zone(query.site.zone, problems)
    service = query.service
    for name, value, positive in (
        ("duration", service.duration, True),
        ("buffer_before", service.buffer_before, False),
        ("buffer_after", service.buffer_after, False),
    ):
        message = _whole_minutes(f"service.{name}", value, positive=positive)
        if message:
            problems.append(Problem(f"service.{name}", message))
    message = _whole_minutes("step", query.step, positive=True)
    if message is None and (MINUTES_PER_DAY * dt.timedelta(minutes=1)) % query.step:
        message = f"{query.step} does not divide a day"
    if message:
        problems.append(Problem("step", message))
    _unique("practitioners", [p.id for p in query.practitioners], problems)
    _unique("rooms", [r.id for r in query.rooms], problems)
    for i, practitioner in enumerate(query.practitioners):
        path = f"practitioners[{i}]"
        for j, hours in enumerate(practitioner.hours):
            _hours(f"{path}.hours[{j}]", hours, problems)
        _intervals(f"{path}.extra_hours", practitioner.extra_hours, problems)
        _intervals(f"{path}.time_off", practitioner.time_off, problems)
    return zone


def _unique(path: str, ids: list[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            problems.append(Problem(f"{path}[{i}].id", f'"{item}" appears twice'))
        seen.add(item)


def checked_slot_query(query: SlotQuery) -> ZoneInfo:
    """The site's zone, or ``AvailabilityError`` with every problem of ``query``."""
    problems: list[Problem] = []
    zone = _slot_problems(query, problems)
    if query.last_day < query.first_day:
        problems.append(Problem("last_day", f"{query.last_day} is before first_day"))
    elif (query.last_day - query.first_day).days >= MAX_WINDOW_DAYS:
        problems.append(Problem("last_day", f"the window is longer than {MAX_WINDOW_DAYS} days"))
    if problems or zone is None:
        raise AvailabilityError(problems)
    return zone


def checked_course_query(query: CourseQuery) -> ZoneInfo:
    """The site's zone, or ``AvailabilityError`` with every problem of ``query``.

    The window of ``query.slots`` is not checked: each session has its own.
    """
    problems: list[Problem] = []
    slots = query.slots
    zone = _slot_problems(slots, problems)
    if query.first_start.tzinfo is None:
        problems.append(Problem("first_start", "must be an aware datetime"))
    if query.sessions < 1:
        problems.append(Problem("sessions", f"{query.sessions} is not 1 or more"))
    if query.interval_days < 1:
        problems.append(Problem("interval_days", f"{query.interval_days} is not 1 or more"))
    if query.tolerance_days < 0:
        problems.append(Problem("tolerance_days", f"{query.tolerance_days} is negative"))
    if query.sessions * query.interval_days + query.tolerance_days > MAX_WINDOW_DAYS:
        problems.append(Problem("sessions", f"the course is longer than {MAX_WINDOW_DAYS} days"))
    ids = {practitioner.id for practitioner in slots.practitioners}
    if query.preferred_practitioner is not None and query.preferred_practitioner not in ids:
        problems.append(
            Problem(
                "preferred_practitioner",
                f'"{query.preferred_practitioner}" is not one of the practitioners',
            )
        )
    if problems or zone is None:
        raise AvailabilityError(problems)
    return zone
