"""Query parameters read by hand, so that a bad one is 422 naming the parameter and value.

ninja would parse typed parameters itself, but ``from`` is a Python keyword and its messages
do not name the value in the caller's terms; these raise ``Invalid`` like every service.
"""

from __future__ import annotations

import datetime as dt

from mesoclinic.core.errors import Invalid

MAX_SHOWN = 40


def integer_param(key: str, raw: str, *, low: int, high: int) -> int:
    text = raw.strip()
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (text.isascii() and text.isdigit() and len(text) <= 12) or not low <= int(text) <= high:
        raise Invalid(
            {key: [f"{key}: “{raw[:MAX_SHOWN]}” is not a whole number from {low} to {high}."]}
        )
    return int(text)


def optional_integer_param(key: str, raw: str, *, low: int = 1, high: int = 10**12) -> int | None:
    return integer_param(key, raw, low=low, high=high) if raw.strip() else None


def date_param(key: str, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid({key: [f"{key}: “{raw[:MAX_SHOWN]}” is not a date YYYY-MM-DD."]}) from None
