"""The fast ``timestamptz`` loader gives the values Django's own loader gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError, connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader"),
]

UTC = dt.UTC


def _load(text: str) -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        value: dt.datetime = cursor.fetchone()[0]
        return value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 15:40:29.123456+00", dt.datetime(2026, 12, 3, 15, 40, 29, 123456, UTC)),
        ("2026-12-03 15:40:29+00", dt.datetime(2026, 12, 3, 15, 40, 29, tzinfo=UTC)),
        # Another offset in the input: the server sends UTC (the session's zone), same instant.
        ("2026-03-29 01:30:00+05:30", dt.datetime(2026, 3, 28, 20, 0, tzinfo=UTC)),
        ("2026-12-03 15:40:29.1+00", dt.datetime(2026, 12, 3, 15, 40, 29, 100000, UTC)),
        ("0001-01-01 00:00:00+00", dt.datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_it_loads_what_djangos_loader_loads(text: str, expected: dt.datetime) -> None:
    value = _load(text)

    assert value == expected
    assert value.utcoffset() == dt.timedelta(0)
    assert value.tzinfo is connection.timezone


def test_it_is_the_loader_each_connection_uses() -> None:
    from psycopg.pq import Format

    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)

    assert loader.__name__ == "FastTimestamptzLoader"
    assert loader.timezone is connection.timezone


def test_it_falls_back_to_psycopg_for_what_iso_parsing_refuses() -> None:
    # A year BC is text the C parser refuses; psycopg's parse refuses it too, with its error.
    with pytest.raises(DataError):
        _load("0044-03-15 12:00:00+00 BC")


def test_it_reads_model_datetimes_back_unchanged() -> None:
    from mesoclinic.accounts.models import User

    joined = dt.datetime(2026, 10, 25, 1, 30, 0, 654321, tzinfo=UTC)  # a London DST change
    user = User.objects.create(username="timestamps.check", date_joined=joined)

    again = User.objects.values_list("date_joined", flat=True).get(pk=user.pk)

    assert again == joined
    assert again.tzinfo is connection.timezone
