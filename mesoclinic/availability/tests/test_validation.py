"""Bad queries are refused with every problem and its path, before anything is computed."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.availability.course import place_course
from mesoclinic.availability.errors import AvailabilityError, Problem
from mesoclinic.availability.model import (
    CourseQuery,
    LocalInterval,
    Practitioner,
    Room,
    Service,
    Site,
    SlotQuery,
    WeeklyHours,
)
from mesoclinic.availability.slots import free_slots

DAY = dt.date(2027, 1, 11)


def test_it_reports_every_problem_of_a_slot_query_with_its_path() -> None:
    query = SlotQuery(
        site=Site("Europe/Londn"),
        service=Service(
            duration=dt.timedelta(0),
            buffer_before=dt.timedelta(minutes=-5),
            buffer_after=dt.timedelta(seconds=30),
        ),
        practitioners=(
            Practitioner(
                "ann",
                hours=(
                    WeeklyHours(7, dt.time(9), dt.time(17)),
                    WeeklyHours(0, dt.time(17), dt.time(9)),
                    WeeklyHours(1, dt.time(9), dt.time(17), DAY, DAY - dt.timedelta(days=1)),
                ),
                extra_hours=(LocalInterval(DAY, dt.time(9, tzinfo=dt.UTC), dt.time(10)),),
            ),
            Practitioner("ann", time_off=(LocalInterval(DAY, dt.time(12), dt.time(11)),)),
        ),
        first_day=DAY,
        last_day=DAY - dt.timedelta(days=1),
        rooms=(Room("t1", "treatment"), Room("t1", "laser")),
        step=dt.timedelta(minutes=7),
    )
    with pytest.raises(AvailabilityError) as raised:
        free_slots(query)
    assert raised.value.problems == (
        Problem("site.zone", 'unknown IANA time zone "Europe/Londn"'),
        Problem("service.duration", "0:00:00 must be positive"),
        Problem("service.buffer_before", "-1 day, 23:55:00 must be zero or more"),
        Problem("service.buffer_after", "0:00:30 is not a whole number of minutes"),
        Problem("step", "0:07:00 does not divide a day"),
        Problem("practitioners[1].id", '"ann" appears twice'),
        Problem("rooms[1].id", '"t1" appears twice'),
        Problem("practitioners[0].hours[0].weekday", "7 is not 0 (Monday) to 6"),
        Problem("practitioners[0].hours[1].end", "09:00:00 is not after start 17:00:00"),
        Problem("practitioners[0].hours[2].effective_to", "2027-01-10 is before effective_from"),
        Problem(
            "practitioners[0].extra_hours[0]",
            "start and end are wall-clock times, without a tzinfo",
        ),
        Problem("practitioners[1].time_off[0].end", "11:00:00 is not after start 12:00:00"),
        Problem("last_day", "2027-01-10 is before first_day"),
    )
    assert str(raised.value).splitlines()[0] == 'site.zone: unknown IANA time zone "Europe/Londn"'


def test_it_refuses_a_window_longer_than_the_limit() -> None:
    query = SlotQuery(
        site=Site("Europe/London"),
        service=Service(duration=dt.timedelta(hours=1)),
        practitioners=(),
        first_day=DAY,
        last_day=DAY + dt.timedelta(days=400),
    )
    with pytest.raises(AvailabilityError) as raised:
        free_slots(query)
    assert raised.value.problems == (Problem("last_day", "the window is longer than 400 days"),)


def test_it_reports_every_problem_of_a_course_query() -> None:
    slots = SlotQuery(
        site=Site("Europe/London"),
        service=Service(duration=dt.timedelta(hours=1)),
        practitioners=(Practitioner("ann"),),
        first_day=DAY,
        last_day=DAY,
    )
    query = CourseQuery(
        slots=slots,
        first_start=dt.datetime(2027, 1, 11, 9),  # noqa: DTZ001 (the naive start under test)
        sessions=0,
        interval_days=0,
        tolerance_days=-1,
        preferred_practitioner="bob",
    )
    with pytest.raises(AvailabilityError) as raised:
        place_course(query)
    assert raised.value.problems == (
        Problem("first_start", "must be an aware datetime"),
        Problem("sessions", "0 is not 1 or more"),
        Problem("interval_days", "0 is not 1 or more"),
        Problem("tolerance_days", "-1 is negative"),
        Problem("preferred_practitioner", '"bob" is not one of the practitioners'),
    )
