from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.scheduling.placement import session_windows

D = dt.date


@pytest.mark.parametrize(
    ("sessions", "interval", "tolerance", "expected"),
    [
        (1, 14, 0, [(D(2027, 1, 4), D(2027, 1, 4))]),
        (
            3,
            14,
            3,
            [
                (D(2027, 1, 1), D(2027, 1, 7)),
                (D(2027, 1, 15), D(2027, 1, 21)),
                (D(2027, 1, 29), D(2027, 2, 4)),
            ],
        ),
        # Windows that overlap or touch are one range.
        (3, 7, 3, [(D(2027, 1, 1), D(2027, 1, 21))]),
        (2, 2, 0, [(D(2027, 1, 4), D(2027, 1, 4)), (D(2027, 1, 6), D(2027, 1, 6))]),
        (2, 1, 0, [(D(2027, 1, 4), D(2027, 1, 5))]),
    ],
)
def test_it_gives_the_days_each_session_may_land_on(
    sessions: int, interval: int, tolerance: int, expected: list[tuple[dt.date, dt.date]]
) -> None:
    assert (
        session_windows(
            D(2027, 1, 4), sessions=sessions, interval_days=interval, tolerance_days=tolerance
        )
        == expected
    )
