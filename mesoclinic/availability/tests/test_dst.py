"""Slots across every DST change of 2025-2030 in 23 zones, at every start hour of the day.

For each local date on which a zone's clock changes, and the date before it (a change at
midnight belongs to both), working hours run from each whole hour h to h + 3 (or midnight),
and the 30-minute service is offered on the 30-minute grid. The expectation is computed here,
independently of the engine: the clock is read at every quarter hour of real time (every
change of these zones falls on a quarter hour), and

- working time runs from the first quarter the clock shows h:00 or later to the end of the
  last quarter it shows a time before the end;
- a slot starts at the first quarter the clock shows its grid time, if it ever does.

So no slot may be shifted (09:00 local stays 09:00), missing, or duplicated in a fold.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from mesoclinic.availability.model import (
    MIDNIGHT,
    Practitioner,
    Service,
    Site,
    Slot,
    SlotQuery,
    WeeklyHours,
)
from mesoclinic.availability.slots import free_slots
from mesoclinic.availability.tests.zones import change_days

UTC = dt.UTC
QUARTER = dt.timedelta(minutes=15)
HALF_HOUR = dt.timedelta(minutes=30)
YEARS = range(2025, 2031)

ZONES_WITH_DST = (
    "Europe/London",
    "Europe/Paris",
    "Europe/Dublin",  # negative DST in tzdata: "winter time" is the saved time
    "Europe/Chisinau",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",  # UTC-03:30
    "America/Havana",  # changes at midnight
    "America/Santiago",  # changes at 24:00
    "America/Nuuk",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute shift
    "Pacific/Auckland",
    "Pacific/Chatham",  # UTC+12:45, changes at 02:45
    "Africa/Casablanca",  # clocks go back for Ramadan
    "Africa/Cairo",
    "Asia/Gaza",
    "Asia/Jerusalem",
    "Asia/Beirut",  # changes at midnight
)
# Zones that have dropped DST: their old change dates must be ordinary days.
ZONES_WITHOUT_DST = (
    "America/Sao_Paulo",  # since 2019
    "Asia/Tehran",  # since 2022
    "America/Asuncion",  # since 2024
    "Pacific/Apia",  # since 2021
)
FORMER_CHANGE_DAYS = ((3, 22), (9, 21), (11, 3), (2, 16))
FAST_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "America/Havana",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Tehran",
)


def _days(zone: str, year: int) -> list[dt.date]:
    if zone in ZONES_WITHOUT_DST:
        return [dt.date(year, month, day) for month, day in FORMER_CHANGE_DAYS]
    return list(change_days(zone, year))


class QuarterClock:
    """The zone's clock read at every quarter hour from two days before ``day``."""

    def __init__(self, zone: ZoneInfo, day: dt.date) -> None:
        self.origin = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(), UTC)
        self.instants = [self.origin + k * QUARTER for k in range(5 * 96)]
        self.readings = [i.astimezone(zone).replace(tzinfo=None) for i in self.instants]
        self.first_showing: dict[dt.datetime, dt.datetime] = {}
        for instant, reading in zip(self.instants, self.readings, strict=True):
            self.first_showing.setdefault(reading, instant)

    def working(self, start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        pairs = list(zip(self.instants, self.readings, strict=True))
        first = next(instant for instant, reading in pairs if reading >= start)
        last = max(instant for instant, reading in pairs if reading < end)
        return first, last + QUARTER


@cache
def _clock(zone: str, day: dt.date) -> QuarterClock:
    return QuarterClock(ZoneInfo(zone), day)


def expected_slots(zone: str, days: tuple[dt.date, ...], hour: int) -> tuple[Slot, ...]:
    clock = _clock(zone, days[-1])
    slots = []
    for day in days:
        end_day = day + dt.timedelta(days=1) if hour + 3 >= 24 else day
        end = dt.datetime.combine(end_day, dt.time((hour + 3) % 24))
        work_start, work_end = clock.working(dt.datetime.combine(day, dt.time(hour)), end)
        for k in range(48):
            start = clock.first_showing.get(dt.datetime.combine(day, dt.time()) + k * HALF_HOUR)
            if start is not None and work_start <= start and start + HALF_HOUR <= work_end:
                slots.append(Slot(start, start + HALF_HOUR, "ann", None))
    return tuple(slots)


def actual_slots(zone: str, days: tuple[dt.date, ...], hour: int) -> tuple[Slot, ...]:
    end = MIDNIGHT if hour + 3 >= 24 else dt.time(hour + 3)
    ann = Practitioner("ann", hours=tuple(WeeklyHours(d, dt.time(hour), end) for d in range(7)))
    return free_slots(
        SlotQuery(
            site=Site(zone),
            service=Service(duration=HALF_HOUR),
            practitioners=(ann,),
            first_day=days[0],
            last_day=days[-1],
            step=HALF_HOUR,
        )
    )


def _cases(zones: tuple[str, ...], years: range) -> list[object]:
    return [
        pytest.param(zone, (day - dt.timedelta(days=1), day), id=f"{zone}-{day}")
        for zone in zones
        for year in years
        for day in _days(zone, year)
    ]


def _check(zone: str, days: tuple[dt.date, ...]) -> None:
    for hour in range(24):
        assert actual_slots(zone, days, hour) == expected_slots(zone, days, hour), (
            f"{zone} {days[-1]} hours from {hour:02}:00"
        )


@pytest.mark.parametrize(("zone", "days"), _cases(FAST_ZONES, range(2026, 2027)))
def test_it_keeps_every_start_hour_on_the_wall_clock(zone: str, days: tuple[dt.date, ...]) -> None:
    _check(zone, days)


@pytest.mark.slow
@pytest.mark.parametrize(("zone", "days"), _cases(ZONES_WITH_DST + ZONES_WITHOUT_DST, YEARS))
def test_it_keeps_every_start_hour_on_the_wall_clock_in_every_zone_and_year(
    zone: str, days: tuple[dt.date, ...]
) -> None:
    _check(zone, days)


@pytest.mark.parametrize("zone", ZONES_WITH_DST)
def test_it_finds_both_changes_of_every_year_in_the_zone_data(zone: str) -> None:
    # Without zone data for these years the sweep above would test ordinary days only.
    assert all(len(change_days(zone, year)) >= 2 for year in YEARS)


def test_it_offers_nine_o_clock_on_both_sides_of_each_london_change() -> None:
    london = ZoneInfo("Europe/London")
    for day in change_days("Europe/London", 2026):
        slots = actual_slots("Europe/London", (day - dt.timedelta(days=1), day), 9)
        local = [f"{s.start.astimezone(london):%d %H:%M}" for s in slots]
        assert local == [
            f"{d:%d} {t}"
            for d in (day - dt.timedelta(days=1), day)
            for t in ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30")
        ]


def test_it_holds_the_extra_real_hour_of_a_fall_back_fold() -> None:
    # 25 October 2026: London's clock shows 01:00-02:00 twice.
    slots = actual_slots("Europe/London", (dt.date(2026, 10, 25),), 0)
    assert [s.start.time().isoformat("minutes") for s in slots] == [
        # 00:00 to 03:00 local is 23:00 (the day before) to 03:00 UTC: four real hours, the
        # grid's 01:00 and 01:30 at their first occurrence only.
        "23:00",
        "23:30",
        "00:00",
        "00:30",
        "02:00",
        "02:30",
    ]
