"""Time helpers every app uses: aware UTC inside, the clinic's zone only at the edges."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone


def validate_time_zone(name: str) -> None:
    """A field validator: ``name`` must be an IANA time zone (``Europe/London``)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a time zone; use an IANA name such as Europe/London.",
            code="invalid_time_zone",
            params={"value": repr(name)[:70]},
        ) from None


def today_in(zone: dt.tzinfo) -> dt.date:
    """Today's date where the clinic is (not the server's, not UTC's)."""
    return timezone.localdate(timezone=zone)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years from ``date_of_birth`` to ``day``; negative when ``day`` is before birth.

    The one age calculation. A 29 February birthday is reached on 1 March in common years.
    """
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)
