"""Wall-clock intervals and grids to real time, edge by edge, in gaps and folds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mesoclinic.availability.wallclock import day_grid, local_span

UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# (zone, date, start, end, real start, real end); the comments give the clock's change.
SPANS = [
    # London 29 March 2026: 01:00 GMT -> 02:00 BST.
    ("Europe/London", "2026-03-29", "09:00", "17:00", "2026-03-29 08:00", "2026-03-29 16:00"),
    ("Europe/London", "2026-03-29", "01:30", "05:00", "2026-03-29 01:00", "2026-03-29 04:00"),
    ("Europe/London", "2026-03-29", "00:00", "01:30", "2026-03-29 00:00", "2026-03-29 01:00"),
    ("Europe/London", "2026-03-29", "01:00", "01:45", None, None),
    # London 25 October 2026: 02:00 BST -> 01:00 GMT, so 01:00-02:00 is shown twice.
    ("Europe/London", "2026-10-25", "01:00", "03:00", "2026-10-25 00:00", "2026-10-25 03:00"),
    ("Europe/London", "2026-10-25", "01:30", "03:00", "2026-10-25 00:30", "2026-10-25 03:00"),
    ("Europe/London", "2026-10-25", "00:00", "01:30", "2026-10-24 23:00", "2026-10-25 01:30"),
    ("Europe/London", "2026-10-25", "00:00", "01:00", "2026-10-24 23:00", "2026-10-25 00:00"),
    # Havana 1 November 2026: 01:00 CDT -> 00:00 CST, the fold starts at midnight.
    ("America/Havana", "2026-10-31", "22:00", "00:00", "2026-11-01 02:00", "2026-11-01 04:00"),
    ("America/Havana", "2026-11-01", "00:00", "02:00", "2026-11-01 04:00", "2026-11-01 07:00"),
    # Havana 8 March 2026: 00:00 CST -> 01:00 CDT, midnight does not exist.
    ("America/Havana", "2026-03-07", "22:00", "00:00", "2026-03-08 03:00", "2026-03-08 05:00"),
    ("America/Havana", "2026-03-08", "00:00", "02:00", "2026-03-08 05:00", "2026-03-08 06:00"),
    # Lord Howe 5 April 2026: 02:00 +11 -> 01:30 +10:30, a half-hour fold.
    ("Australia/Lord_Howe", "2026-04-05", "01:00", "03:00", "2026-04-04 14:00", "2026-04-04 16:30"),
    # Dublin: "winter time" is the saved time in tzdata, the wall clock is what counts.
    ("Europe/Dublin", "2026-10-25", "09:00", "10:00", "2026-10-25 09:00", "2026-10-25 10:00"),
]


@pytest.mark.parametrize(("zone", "day", "start", "end", "real_start", "real_end"), SPANS)
def test_it_converts_each_edge_by_the_rule(
    zone: str, day: str, start: str, end: str, real_start: str | None, real_end: str | None
) -> None:
    span = local_span(
        dt.date.fromisoformat(day),
        dt.time.fromisoformat(start),
        dt.time.fromisoformat(end),
        ZoneInfo(zone),
    )
    expected = None if real_start is None or real_end is None else (utc(real_start), utc(real_end))
    assert span == expected


def test_it_skips_grid_times_in_a_gap_and_keeps_one_in_a_fold() -> None:
    london = ZoneInfo("Europe/London")
    hour = dt.timedelta(hours=1)
    spring = day_grid(dt.date(2026, 3, 29), hour, london)
    autumn = day_grid(dt.date(2026, 10, 25), hour, london)
    assert [f"{t.astimezone(london):%H}" for t in spring] == [
        f"{h:02}" for h in range(24) if h != 1
    ]
    assert [f"{t.astimezone(london):%H}" for t in autumn] == [f"{h:02}" for h in range(24)]
    assert autumn[1] == utc("2026-10-25 00:00")  # 01:00 BST, the first of the two
    assert len(day_grid(dt.date(2026, 1, 5), dt.timedelta(minutes=15), london)) == 96
