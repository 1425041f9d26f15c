"""Course placement: every session checked, within tolerance, named when it fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from mesoclinic.availability.course import place_course
from mesoclinic.availability.intervals import Busy, Interval
from mesoclinic.availability.model import (
    CoursePlacement,
    CourseQuery,
    Practitioner,
    Room,
    Service,
    Site,
    Slot,
    SlotQuery,
    WeeklyHours,
)
from mesoclinic.availability.tests.reference import reference_course
from mesoclinic.availability.tests.strategies import course_queries

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2027, 1, 11)
HOUR = dt.timedelta(hours=1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WEEKDAYS_9_TO_12 = tuple(WeeklyHours(d, dt.time(9), dt.time(12)) for d in range(5))


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), LONDON).astimezone(UTC)


def week(n: int, weekday: int = 0) -> dt.date:
    return MONDAY + dt.timedelta(weeks=n, days=weekday)


def course(*staff: Practitioner, **changes: object) -> CourseQuery:
    values: dict[str, object] = {
        "first_start": local(MONDAY, 9),
        "sessions": 6,
        "interval_days": 14,
        "tolerance_days": 2,
    }
    slot_changes = {k: changes.pop(k) for k in ("rooms", "patient_busy", "service") if k in changes}
    values.update(changes)
    slots = SlotQuery(
        site=Site("Europe/London"),
        service=Service(duration=HOUR, room_type="treatment"),
        practitioners=staff,
        first_day=MONDAY,
        last_day=MONDAY,
        rooms=(Room("t1", "treatment"),),
        step=dt.timedelta(minutes=30),
    )
    slots = dataclasses.replace(slots, **slot_changes)  # type: ignore[arg-type]
    return CourseQuery(slots=slots, **values)  # type: ignore[arg-type]


def busy(*spans: tuple[dt.datetime, dt.datetime]) -> Busy:
    return Busy.of(Interval(start, end) for start, end in spans)


ANN = Practitioner("ann", hours=WEEKDAYS_9_TO_12)
BOB = Practitioner("bob", hours=WEEKDAYS_9_TO_12)


def summary(placement: CoursePlacement) -> list[str]:
    return [
        f"{s.start.astimezone(LONDON):%a %d %b %H:%M} {s.practitioner} {s.room}"
        for s in placement.sessions
    ] + ([f"failed at {placement.failed_session}"] if placement.failed_session else [])


def test_it_places_every_session_on_its_ideal_date_and_time_across_dst() -> None:
    placement = place_course(course(ANN, BOB, first_start=local(week(8), 9)))
    assert placement == CoursePlacement(
        tuple(
            Slot(local(week(8 + 2 * k), 9), local(week(8 + 2 * k), 10), "ann", "t1")
            for k in range(6)
        )
    )
    # Week 8 is in March, GMT; weeks 12 onwards are BST: still 09:00 on the clock.
    assert summary(placement)[0] == "Mon 08 Mar 09:00 ann t1"
    assert summary(placement)[2] == "Mon 05 Apr 09:00 ann t1"


def test_it_keeps_the_practitioner_and_moves_the_time_or_date_before_changing_them() -> None:
    ann = Practitioner(
        "ann",
        hours=WEEKDAYS_9_TO_12,
        busy=busy(
            (local(week(2), 9), local(week(2), 10)),  # session 2: 10:00 the same day
            (local(week(4), 9), local(week(4), 12)),  # session 3: the day before (Sun off), so Tue
        ),
    )
    assert summary(place_course(course(ann, BOB, sessions=3))) == [
        "Mon 11 Jan 09:00 ann t1",
        "Mon 25 Jan 10:00 ann t1",
        "Tue 09 Feb 09:00 ann t1",
    ]


def test_it_takes_another_practitioner_when_the_preferred_one_has_nothing_in_tolerance() -> None:
    ann = Practitioner(
        "ann", hours=WEEKDAYS_9_TO_12, days_off=tuple(week(2, d) for d in range(-2, 3))
    )
    assert summary(place_course(course(ann, BOB, sessions=3))) == [
        "Mon 11 Jan 09:00 ann t1",
        "Mon 25 Jan 09:00 bob t1",
        "Mon 08 Feb 09:00 ann t1",
    ]


def test_it_prefers_the_first_sessions_practitioner_when_the_one_asked_for_is_unqualified() -> None:
    ann = Practitioner("ann", frozenset({"mesotherapy"}), WEEKDAYS_9_TO_12)
    bob = Practitioner("bob", frozenset(), WEEKDAYS_9_TO_12)
    cat = Practitioner(
        "cat",
        frozenset({"mesotherapy"}),
        WEEKDAYS_9_TO_12,
        busy=busy((local(MONDAY, 9), local(MONDAY, 10))),
    )
    service = Service(duration=HOUR, room_type="treatment", qualification="mesotherapy")
    placement = place_course(
        course(cat, bob, ann, sessions=3, preferred_practitioner="bob", service=service)
    )
    # Session 1 at 09:00 goes to ann (cat is busy); ann is then preferred, not bob or cat.
    assert summary(placement) == [
        "Mon 11 Jan 09:00 ann t1",
        "Mon 25 Jan 09:00 ann t1",
        "Mon 08 Feb 09:00 ann t1",
    ]


def test_it_names_the_first_session_that_cannot_be_placed_even_the_last() -> None:
    # The patient is away around session 6 only; a check of the first two sessions would
    # book the whole course.
    away = busy((local(week(10, -3), 0), local(week(10, 3), 0)))
    placement = place_course(course(ANN, patient_busy=away))
    assert placement.failed_session == 6
    assert len(placement.sessions) == 5
    assert not placement.placed


def test_it_does_not_put_two_sessions_in_one_room_at_once_or_out_of_order() -> None:
    # Sessions a day apart with a tolerance of three days: windows overlap, sessions may not.
    placement = place_course(
        course(
            ANN, BOB, sessions=4, interval_days=1, tolerance_days=3, first_start=local(MONDAY, 11)
        )
    )
    assert summary(placement) == [
        "Mon 11 Jan 11:00 ann t1",
        "Tue 12 Jan 11:00 ann t1",
        "Wed 13 Jan 11:00 ann t1",
        "Thu 14 Jan 11:00 ann t1",
    ]
    one_slot_a_day = Practitioner(
        "ann", hours=tuple(WeeklyHours(d, dt.time(11), dt.time(12)) for d in range(5))
    )
    placement = place_course(
        course(
            one_slot_a_day,
            sessions=3,
            interval_days=1,
            tolerance_days=1,
            first_start=local(week(0, 3), 11),
        )
    )
    assert summary(placement) == [
        "Thu 14 Jan 11:00 ann t1",
        "Fri 15 Jan 11:00 ann t1",
        "failed at 3",  # Saturday is off and Thursday is taken by session 1
    ]


@SETTINGS
@given(course_queries())
def test_it_agrees_with_the_reference_placement(query: CourseQuery) -> None:
    assert place_course(query) == reference_course(query)


@SETTINGS
@given(course_queries())
def test_it_places_all_sessions_within_tolerance_without_overlap_or_names_the_failure(
    query: CourseQuery,
) -> None:
    zone = ZoneInfo(query.slots.site.zone)
    placement = place_course(query)
    sessions = placement.sessions
    if placement.placed:
        assert len(sessions) == query.sessions
    else:
        assert placement.failed_session == len(sessions) + 1
    first_day = query.first_start.astimezone(zone).date()
    for k, session in enumerate(sessions):
        ideal = first_day + dt.timedelta(days=k * query.interval_days)
        assert abs((session.start.astimezone(zone).date() - ideal).days) <= query.tolerance_days
        assert not query.slots.patient_busy.between(session.start, session.end)
    for earlier, later in itertools.pairwise(sessions):
        assert earlier.end <= later.start


@pytest.mark.slow
@settings(SETTINGS, max_examples=120)
@given(course_queries())
def test_it_agrees_with_the_reference_placement_on_many_more_courses(query: CourseQuery) -> None:
    assert place_course(query) == reference_course(query)
