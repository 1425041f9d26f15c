"""Time zones with their DST changes, found from the zone data itself, not hand-typed dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

UTC = dt.UTC


@cache
def changes(zone_name: str, year: int) -> tuple[dt.datetime, ...]:
    """Every instant in ``year`` (UTC) at which the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)
    found = []
    noon = dt.datetime(year, 1, 1, 12, tzinfo=UTC)
    while noon.year == year:
        after = noon + dt.timedelta(days=1)
        if noon.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            lo, hi = noon, after
            while hi - lo > dt.timedelta(minutes=1):
                middle = lo + (hi - lo) / 2
                if middle.astimezone(zone).utcoffset() == noon.astimezone(zone).utcoffset():
                    lo = middle
                else:
                    hi = middle
            found.append(hi.replace(second=0, microsecond=0))
        noon = after
    return tuple(found)


def change_days(zone_name: str, year: int) -> tuple[dt.date, ...]:
    """The local dates on which the zone's clock changes in ``year``."""
    zone = ZoneInfo(zone_name)
    return tuple(change.astimezone(zone).date() for change in changes(zone_name, year))
