"""Free slots: hand-computed tables, then the minute-by-minute reference for any query."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from mesoclinic.availability.intervals import Busy, Interval
from mesoclinic.availability.model import (
    LocalInterval,
    Practitioner,
    Room,
    Service,
    Site,
    Slot,
    SlotQuery,
    WeeklyHours,
)
from mesoclinic.availability.slots import free_slots
from mesoclinic.availability.tests.reference import reference_slots
from mesoclinic.availability.tests.strategies import slot_queries

UTC = dt.UTC
MONDAY = dt.date(2027, 1, 11)  # London is on GMT, so local times read as UTC
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), UTC)


def busy(*spans: tuple[dt.datetime, dt.datetime]) -> Busy:
    return Busy.of(Interval(start, end) for start, end in spans)


def minutes(count: int) -> dt.timedelta:
    return dt.timedelta(minutes=count)


ANN = Practitioner(
    id="ann",
    qualifications=frozenset({"mesotherapy"}),
    hours=(WeeklyHours(0, dt.time(9), dt.time(12)),),
)


def query(**changes: object) -> SlotQuery:
    values: dict[str, object] = {
        "site": Site("Europe/London"),
        "service": Service(duration=minutes(60)),
        "practitioners": (ANN,),
        "first_day": MONDAY,
        "last_day": MONDAY,
        "step": minutes(30),
    }
    values.update(changes)
    return SlotQuery(**values)  # type: ignore[arg-type]


def starts(slots: tuple[Slot, ...]) -> list[str]:
    return [f"{s.start:%H:%M} {s.practitioner} {s.room}" for s in slots]


def test_it_offers_every_grid_start_that_fits_in_working_hours() -> None:
    assert free_slots(query()) == tuple(
        Slot(at(h, m), at(h, m) + minutes(60), "ann", None)
        for h, m in [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0)]
    )


CASES = [
    (
        "a booking blocks the slots it overlaps, touching ends do not",
        {"practitioners": (Practitioner("ann", hours=ANN.hours, busy=busy((at(10), at(10, 30)))),)},
        ["09:00 ann None", "10:30 ann None", "11:00 ann None"],
    ),
    (
        "buffers lie in working hours and keep clear of the practitioner's bookings",
        {
            "service": Service(
                duration=minutes(60), buffer_before=minutes(15), buffer_after=minutes(15)
            ),
            "practitioners": (
                Practitioner("ann", hours=ANN.hours, busy=busy((at(11, 30), at(12)))),
            ),
        },
        ["09:30 ann None", "10:00 ann None"],
    ),
    (
        "the patient's own bookings block, without the staff's buffers",
        {
            "service": Service(duration=minutes(60), buffer_after=minutes(30)),
            "patient_busy": busy((at(10, 30), at(11))),
        },
        ["09:00 ann None", "09:30 ann None"],
    ),
    (
        "the first free room of the type is assigned, its buffers respected",
        {
            "service": Service(
                duration=minutes(60), buffer_after=minutes(15), room_type="treatment"
            ),
            "rooms": (
                Room("laser-1", "laser"),
                Room("t1", "treatment", busy((at(8, 30), at(9, 15)))),
                Room("t2", "treatment", busy((at(10, 15), at(11)))),
            ),
        },
        ["09:00 ann t2", "09:30 ann t1", "10:00 ann t1", "10:30 ann t1"],
    ),
    (
        "no room of the type means no slot",
        {
            "service": Service(duration=minutes(60), room_type="treatment"),
            "rooms": (Room("l", "laser"),),
        },
        [],
    ),
    (
        "only practitioners with the qualification are offered",
        {
            "service": Service(duration=minutes(60), qualification="mesotherapy"),
            "practitioners": (ANN, Practitioner("bob", hours=ANN.hours)),
            "step": minutes(60),
        },
        ["09:00 ann None", "10:00 ann None", "11:00 ann None"],
    ),
    (
        "slots sort by start, then practitioner",
        {
            "practitioners": (
                Practitioner("bob", hours=(WeeklyHours(0, dt.time(10), dt.time(12)),)),
                ANN,
            ),
            "step": minutes(60),
        },
        ["09:00 ann None", "10:00 ann None", "10:00 bob None", "11:00 ann None", "11:00 bob None"],
    ),
    (
        "a public holiday removes weekly hours, extra hours still count",
        {
            "site": Site("Europe/London", frozenset({MONDAY})),
            "practitioners": (
                Practitioner(
                    "ann",
                    hours=ANN.hours,
                    extra_hours=(LocalInterval(MONDAY, dt.time(14), dt.time(15)),),
                ),
            ),
        },
        ["14:00 ann None"],
    ),
    (
        "time off is cut out of the day, a day off empties it",
        {
            "practitioners": (
                Practitioner(
                    "ann",
                    hours=ANN.hours,
                    time_off=(LocalInterval(MONDAY, dt.time(10), dt.time(11)),),
                ),
                Practitioner("bob", hours=ANN.hours, days_off=(MONDAY,)),
            ),
        },
        ["09:00 ann None", "11:00 ann None"],
    ),
    (
        "weekly hours apply only between their effective dates",
        {
            "practitioners": (
                Practitioner(
                    "ann",
                    hours=(
                        WeeklyHours(
                            0, dt.time(9), dt.time(10), effective_to=MONDAY - dt.timedelta(1)
                        ),
                        WeeklyHours(0, dt.time(15), dt.time(16), effective_from=MONDAY),
                    ),
                ),
            ),
        },
        ["15:00 ann None"],
    ),
    (
        "hours to midnight and from midnight join, so a slot may cross it",
        {
            "practitioners": (
                Practitioner(
                    "ann",
                    hours=(
                        WeeklyHours(0, dt.time(23), dt.time(0)),
                        WeeklyHours(1, dt.time(0), dt.time(0, 30)),
                    ),
                ),
            ),
        },
        ["23:00 ann None", "23:30 ann None"],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_it_computes_the_table(changes: dict[str, object], expected: list[str]) -> None:
    assert starts(free_slots(query(**changes))) == expected


def test_it_keeps_nine_o_clock_local_across_the_spring_change() -> None:
    friday, monday = dt.date(2027, 3, 26), dt.date(2027, 3, 29)
    week = Practitioner(
        "ann", hours=tuple(WeeklyHours(d, dt.time(9), dt.time(10)) for d in range(7))
    )
    slots = free_slots(query(practitioners=(week,), first_day=friday, last_day=monday))
    assert [s.start for s in slots] == [
        at(9, day=friday),
        at(9, day=friday + dt.timedelta(1)),
        at(8, day=friday + dt.timedelta(2)),  # Sunday 28 March: BST from 01:00 GMT
        at(8, day=monday),
    ]


def test_it_reads_only_the_window_of_a_long_calendar() -> None:
    history = busy(
        *[(at(9) - dt.timedelta(days=d), at(12) - dt.timedelta(days=d)) for d in range(1, 2000)]
    )
    ann = Practitioner("ann", hours=ANN.hours, busy=history)
    assert starts(free_slots(query(practitioners=(ann,)))) == [
        "09:00 ann None",
        "09:30 ann None",
        "10:00 ann None",
        "10:30 ann None",
        "11:00 ann None",
    ]


@SETTINGS
@given(slot_queries())
def test_it_agrees_with_the_minute_by_minute_reference(query: SlotQuery) -> None:
    assert free_slots(query) == reference_slots(query)


@SETTINGS
@given(slot_queries())
def test_it_never_offers_a_slot_that_meets_a_booking_or_leaves_working_hours(
    query: SlotQuery,
) -> None:
    service = query.service
    rooms = {room.id: room for room in query.rooms}
    staff = {p.id: p for p in query.practitioners}
    for slot in free_slots(query):
        staff_span = (slot.start - service.buffer_before, slot.end + service.buffer_after)
        assert slot.end - slot.start == service.duration
        assert not staff[slot.practitioner].busy.between(*staff_span)
        assert not query.patient_busy.between(slot.start, slot.end)
        if service.room_type is None:
            assert slot.room is None
        else:
            assert slot.room is not None
            assert rooms[slot.room].room_type == service.room_type
            assert not rooms[slot.room].busy.between(*staff_span)
        local = slot.start.astimezone(ZoneInfo(query.site.zone))
        assert query.first_day <= local.date() <= query.last_day
        assert (local.hour * 60 + local.minute) % (query.step // dt.timedelta(minutes=1)) == 0
    slots = free_slots(query)
    assert list(slots) == sorted(slots, key=lambda s: (s.start, s.practitioner))
    assert len({(s.start, s.practitioner) for s in slots}) == len(slots)


@pytest.mark.slow
@settings(SETTINGS, max_examples=250)
@given(slot_queries(max_days=3))
def test_it_agrees_with_the_reference_on_many_more_queries(query: SlotQuery) -> None:
    assert free_slots(query) == reference_slots(query)
