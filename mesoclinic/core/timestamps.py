"""PostgreSQL ``timestamptz`` values parsed by the standard library's C parser.

Django (5.2, psycopg 3) loads every ``timestamptz`` through a subclass of psycopg's pure-Python
loader, which parses each value with a regular expression; the C loader that psycopg's binary
package ships is bypassed. A diary's window reads thousands of timestamps, and that parse was
most of the read's time (docs/benchmarks.md, the booking benchmark). ``install`` registers, on
each new connection, a loader that gives ``datetime.fromisoformat`` (C) the server's ISO text
and falls back to psycopg's own parse for anything it does not take (``infinity``, years BC,
a non-ISO ``DateStyle``). The values are the same objects Django's loader makes: aware, in the
connection's time zone (UTC), or naive where Django runs without time zones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.signals import connection_created


def _loader_for(zone: dt.tzinfo | None) -> type:
    from psycopg.types.datetime import TimestamptzLoader

    class FastTimestamptzLoader(TimestamptzLoader):
        # Django's cursor set-up compares this attribute with the connection's zone and
        # registers its own loader again when they differ.
        timezone = zone

        def load(self, data: Any) -> dt.datetime:
            try:
                value = dt.datetime.fromisoformat(bytes(data).decode("ascii"))
            except ValueError:
                value = super().load(data)
            if zone is None:
                return value.replace(tzinfo=None)
            # The server sends the session's zone (UTC): mostly nothing to convert.
            return value if value.tzinfo is zone else value.astimezone(zone)

    return FastTimestamptzLoader


def _register(*, connection: Any, **_: Any) -> None:
    if connection.vendor != "postgresql":
        return
    loader = _loader_for(connection.timezone)
    connection.connection.adapters.register_loader("timestamptz", loader)


def install() -> None:
    """Use the fast loader on every PostgreSQL connection opened from now on."""
    connection_created.connect(_register, dispatch_uid="mesoclinic_fast_timestamptz")
