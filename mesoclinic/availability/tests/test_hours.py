"""A practitioner's working time: weekly hours, holidays, extra hours, leave, in real time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mesoclinic.availability.hours import working_spans
from mesoclinic.availability.model import MIDNIGHT, LocalInterval, Practitioner, Site, WeeklyHours

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 3, 23)  # the week of the spring change (Sunday 29 March)


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), PARIS).astimezone(dt.UTC)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_it_builds_each_day_from_its_rules_in_order() -> None:
    practitioner = Practitioner(
        "ann",
        hours=(
            *(WeeklyHours(d, dt.time(9), dt.time(13)) for d in range(7)),
            WeeklyHours(4, dt.time(20), MIDNIGHT),  # Friday evening to midnight
            WeeklyHours(5, dt.time(0), dt.time(2)),  # and on into Saturday
        ),
        extra_hours=(LocalInterval(MONDAY + days(1), dt.time(15), dt.time(16)),),
        time_off=(LocalInterval(MONDAY + days(2), dt.time(10), dt.time(11)),),
        days_off=(MONDAY + days(3),),
    )
    site = Site("Europe/Paris", public_holidays=frozenset({MONDAY + days(1)}))
    assert working_spans(practitioner, site, PARIS, MONDAY, MONDAY + days(6)) == [
        (local(MONDAY, 9), local(MONDAY, 13)),
        # Tuesday is a holiday: only its extra hours.
        (local(MONDAY + days(1), 15), local(MONDAY + days(1), 16)),
        # Wednesday: time off from 10 to 11.
        (local(MONDAY + days(2), 9), local(MONDAY + days(2), 10)),
        (local(MONDAY + days(2), 11), local(MONDAY + days(2), 13)),
        # Thursday is a day off.
        (local(MONDAY + days(4), 9), local(MONDAY + days(4), 13)),
        # Friday 20:00 to Saturday 02:00 is one span.
        (local(MONDAY + days(4), 20), local(MONDAY + days(5), 2)),
        (local(MONDAY + days(5), 9), local(MONDAY + days(5), 13)),
        # Sunday, after the change: still 09:00 to 13:00 on the clock, an hour earlier in UTC.
        (local(MONDAY + days(6), 9), local(MONDAY + days(6), 13)),
    ]
    assert local(MONDAY + days(6), 9).hour == 7
    assert local(MONDAY, 9).hour == 8
