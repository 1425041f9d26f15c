"""Busy time: sorted and merged once, read by window."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.availability.errors import AvailabilityError, Problem
from mesoclinic.availability.intervals import Busy, Interval, merge, subtract

UTC = dt.UTC
PARIS = dt.timezone(dt.timedelta(hours=1))


def at(hour: int, minute: int = 0, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(2027, 1, 11, hour, minute, tzinfo=tz)


def test_it_sorts_merges_and_normalises_to_utc() -> None:
    busy = Busy.of(
        [
            Interval(at(11), at(12)),
            Interval(at(10, tz=PARIS), at(11, tz=PARIS)),  # 09:00-10:00 UTC
            Interval(at(10), at(11)),  # touches the one before: merged
            Interval(at(11, 30), at(11, 45)),  # inside: absorbed
        ]
    )
    assert busy.starts == (at(9),)
    assert busy.ends == (at(12),)
    assert busy.starts[0].tzinfo is UTC


def test_it_reads_only_the_intervals_that_overlap_the_window() -> None:
    busy = Busy.of(Interval(at(h), at(h, 30)) for h in range(8, 18))
    assert busy.between(at(10, 30), at(12, 15)) == [(at(11), at(11, 30)), (at(12), at(12, 30))]
    assert busy.between(at(18), at(19)) == []
    assert len(busy) == 10


def test_it_names_every_bad_interval() -> None:
    with pytest.raises(AvailabilityError) as raised:
        Busy.of(
            [
                Interval(at(10), at(11)),
                Interval(dt.datetime(2027, 1, 11, 9), at(11)),  # noqa: DTZ001 (the naive start under test)
                Interval(at(11), at(11)),
            ],
            path="rooms[2].busy",
        )
    assert raised.value.problems == (
        Problem("rooms[2].busy[1]", "start and end must be aware datetimes"),
        Problem(
            "rooms[2].busy[2]",
            "end 2027-01-11 11:00:00+00:00 is not after start 2027-01-11 11:00:00+00:00",
        ),
    )


SUBTRACTIONS = [
    ([(9, 17)], [], [(9, 17)]),
    ([(9, 17)], [(8, 10), (12, 13), (16, 18)], [(10, 12), (13, 16)]),
    ([(9, 12), (13, 17)], [(11, 14)], [(9, 11), (14, 17)]),
    ([(9, 12)], [(9, 12)], []),
    ([(9, 10), (11, 12)], [(5, 6), (20, 21)], [(9, 10), (11, 12)]),
]


@pytest.mark.parametrize(("spans", "holes", "expected"), SUBTRACTIONS)
def test_it_subtracts_in_one_sweep(
    spans: list[tuple[int, int]], holes: list[tuple[int, int]], expected: list[tuple[int, int]]
) -> None:
    def real(pairs: list[tuple[int, int]]) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(at(a), at(b)) for a, b in pairs]

    assert subtract(real(spans), real(holes)) == real(expected)
    assert merge(real(spans + spans)) == merge(real(spans))
