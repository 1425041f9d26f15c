"""A practitioner's working time over a range of local dates, as real intervals.

One local date's working time is, in this order:

1. its weekly hours: the ``WeeklyHours`` of its weekday in effect on that date, unless the date
   is a public holiday of the site;
2. plus the one-off ``extra_hours`` on that date (these count on a public holiday too: opening
   on a holiday is exactly what they are for);
3. minus the ``time_off`` on that date; a date in ``days_off`` has no working time at all.

Each wall-clock interval is converted on its own date by ``wallclock.local_span``, so 09:00
stays 09:00 on both sides of a DST change. Intervals of adjacent dates that touch (a shift to
24:00 and another from 00:00) merge into one, so a slot may run across midnight.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mesoclinic.availability.intervals import Span, merge, subtract
from mesoclinic.availability.model import LocalInterval, Practitioner, Site, WeeklyHours
from mesoclinic.availability.wallclock import DAY, local_span


def _in_effect(hours: WeeklyHours, day: dt.date) -> bool:
    return (
        hours.weekday == day.weekday()
        and (hours.effective_from is None or hours.effective_from <= day)
        and (hours.effective_to is None or day <= hours.effective_to)
    )


def _spans(intervals: list[LocalInterval], zone: ZoneInfo) -> list[Span]:
    spans = []
    for interval in intervals:
        span = local_span(interval.day, interval.start, interval.end, zone)
        if span is not None:
            spans.append(span)
    return merge(spans)


def working_spans(
    practitioner: Practitioner,
    site: Site,
    zone: ZoneInfo,
    first_day: dt.date,
    last_day: dt.date,
) -> list[Span]:
    """The practitioner's working time on ``first_day`` to ``last_day``: sorted, disjoint, UTC.

    Costs one pass over the practitioner's hours and exceptions per date in the range.
    """
    days_off = set(practitioner.days_off)
    working: list[LocalInterval] = []
    off: list[LocalInterval] = []
    day = first_day
    while day <= last_day:
        if day not in days_off:
            if day not in site.public_holidays:
                working += [
                    LocalInterval(day, hours.start, hours.end)
                    for hours in practitioner.hours
                    if _in_effect(hours, day)
                ]
            working += [extra for extra in practitioner.extra_hours if extra.day == day]
            off += [leave for leave in practitioner.time_off if leave.day == day]
        day += DAY
    return subtract(_spans(working, zone), _spans(off, zone))
