"""Hypothesis strategies for availability queries, in whole minutes, around DST changes."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from mesoclinic.availability.intervals import Busy, Interval
from mesoclinic.availability.model import (
    MIDNIGHT,
    CourseQuery,
    LocalInterval,
    Practitioner,
    Room,
    Service,
    Site,
    SlotQuery,
    WeeklyHours,
)
from mesoclinic.availability.tests.zones import change_days

UTC = dt.UTC
ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Havana",
    "America/Santiago",
    "UTC",
)
QUALIFICATION = "mesotherapy"
ROOM_TYPES = ("treatment", "treatment", "laser")


def minutes(values: list[int]) -> st.SearchStrategy[dt.timedelta]:
    return st.sampled_from(values).map(lambda m: dt.timedelta(minutes=m))


@st.composite
def wall_interval(draw: st.DrawFn) -> tuple[dt.time, dt.time]:
    start = draw(st.integers(0, 95)) * 15
    length = draw(st.integers(1, 48)) * 15
    end = start + length
    end_time = MIDNIGHT if end >= 24 * 60 else dt.time(end // 60, end % 60)
    return dt.time(start // 60, start % 60), end_time


@st.composite
def local_intervals(draw: st.DrawFn, days: list[dt.date]) -> LocalInterval:
    start, end = draw(wall_interval())
    return LocalInterval(draw(st.sampled_from(days)), start, end)


@st.composite
def busy(draw: st.DrawFn, origin: dt.datetime, max_size: int, path: str = "busy") -> Busy:
    intervals = []
    for _ in range(draw(st.integers(0, max_size))):
        start = origin + dt.timedelta(minutes=5 * draw(st.integers(0, 12 * 72)))
        intervals.append(
            Interval(start, start + dt.timedelta(minutes=5 * draw(st.integers(1, 48))))
        )
    return Busy.of(intervals, path=path)


@st.composite
def practitioners(
    draw: st.DrawFn, pid: str, days: list[dt.date], origin: dt.datetime
) -> Practitioner:
    hours = []
    for _ in range(draw(st.integers(1, 3))):
        start, end = draw(wall_interval())
        day = draw(st.sampled_from(days[1:-1]))
        hours.append(
            WeeklyHours(
                weekday=day.weekday(),
                start=start,
                end=end,
                effective_from=draw(st.sampled_from([None, None, None, *days])),
                effective_to=draw(st.sampled_from([None, None, None, *days])),
            )
        )
    hours = [
        h
        for h in hours
        if not (h.effective_from and h.effective_to) or h.effective_from <= h.effective_to
    ]
    return Practitioner(
        id=pid,
        qualifications=draw(st.sampled_from([frozenset(), *[frozenset({QUALIFICATION})] * 3])),
        hours=tuple(hours),
        extra_hours=tuple(draw(st.lists(local_intervals(days), max_size=1))),
        time_off=tuple(draw(st.lists(local_intervals(days), max_size=1))),
        days_off=tuple(draw(st.lists(st.sampled_from(days), max_size=1))),
        busy=draw(busy(origin, 4)),
    )


@st.composite
def slot_queries(draw: st.DrawFn, max_days: int = 2) -> SlotQuery:
    zone = draw(st.sampled_from(ZONES))
    interesting = change_days(zone, 2026) or (dt.date(2026, 3, 29),)
    first_day = draw(
        st.sampled_from(interesting).map(lambda d: d - dt.timedelta(days=draw(st.integers(0, 1))))
        | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    )
    last_day = first_day + dt.timedelta(days=draw(st.integers(0, max_days - 1)))
    days = [first_day + dt.timedelta(days=k) for k in range(-1, (last_day - first_day).days + 2)]
    origin = dt.datetime.combine(first_day, dt.time(), UTC) - dt.timedelta(hours=24)
    count = draw(st.integers(1, 3))
    room_count = draw(st.integers(1, 3))
    return SlotQuery(
        site=Site(zone, frozenset(draw(st.lists(st.sampled_from(days), max_size=1)))),
        service=Service(
            duration=draw(minutes([15, 30, 45, 60, 90])),
            buffer_before=draw(minutes([0, 5, 15, 30])),
            buffer_after=draw(minutes([0, 10, 15])),
            room_type=draw(st.none() | st.just("treatment")),
            qualification=draw(st.none() | st.just(QUALIFICATION)),
        ),
        practitioners=tuple(draw(practitioners(f"p{k}", days, origin)) for k in range(count)),
        first_day=first_day,
        last_day=last_day,
        rooms=tuple(
            Room(f"r{k}", draw(st.sampled_from(ROOM_TYPES)), draw(busy(origin, 4)))
            for k in range(room_count)
        ),
        patient_busy=draw(busy(origin, 3)),
        step=draw(minutes([15, 30, 60])),
    )


@st.composite
def course_queries(draw: st.DrawFn) -> CourseQuery:
    """Short courses (2 to 4 sessions, 1 to 7 days apart) over every weekday's hours."""
    zone = draw(st.sampled_from(ZONES))
    first_day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 20)))
    sessions = draw(st.integers(1, 4))
    interval = draw(st.integers(1, 7))
    tolerance = draw(st.integers(0, 2))
    last = first_day + dt.timedelta(days=sessions * interval + tolerance)
    days = [first_day + dt.timedelta(days=k) for k in range((last - first_day).days + 1)]
    origin = dt.datetime.combine(first_day, dt.time(), UTC) - dt.timedelta(hours=24)
    staff = []
    for k in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 20))
        length = draw(st.integers(2, 10))
        hours = tuple(
            WeeklyHours(weekday, dt.time(start), dt.time(min(start + length, 24) % 24))
            for weekday in draw(st.sets(st.integers(0, 6), min_size=1))
        )
        staff.append(
            Practitioner(
                id=f"p{k}",
                qualifications=draw(st.sampled_from([frozenset(), frozenset({QUALIFICATION})])),
                hours=hours,
                busy=draw(long_busy(origin, len(days))),
                days_off=tuple(draw(st.lists(st.sampled_from(days), max_size=2))),
            )
        )
    hour = draw(st.integers(0, 23))
    return CourseQuery(
        slots=SlotQuery(
            site=Site(zone),
            service=Service(
                duration=draw(minutes([30, 60, 90])),
                buffer_before=draw(minutes([0, 15])),
                buffer_after=draw(minutes([0, 15])),
                room_type=draw(st.none() | st.just("treatment")),
                qualification=draw(st.none() | st.just(QUALIFICATION)),
            ),
            practitioners=tuple(staff),
            first_day=first_day,
            last_day=first_day,
            rooms=(Room("r0", "treatment", draw(long_busy(origin, len(days)))),),
            patient_busy=draw(long_busy(origin, len(days))),
            step=draw(minutes([30, 60])),
        ),
        first_start=dt.datetime.combine(first_day, dt.time(hour), UTC),
        sessions=sessions,
        interval_days=interval,
        tolerance_days=tolerance,
        preferred_practitioner=draw(st.none() | st.sampled_from([p.id for p in staff])),
    )


@st.composite
def long_busy(draw: st.DrawFn, origin: dt.datetime, days: int) -> Busy:
    intervals = []
    for _ in range(draw(st.integers(0, 3 * days))):
        start = origin + dt.timedelta(minutes=30 * draw(st.integers(0, 48 * (days + 2))))
        intervals.append(
            Interval(start, start + dt.timedelta(minutes=30 * draw(st.integers(1, 8))))
        )
    return Busy.of(intervals)
