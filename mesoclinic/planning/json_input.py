"""JSON text to a Python value, with malformed input reported as one ``PlanningError`` line.

The first step of both front ends of the planning contract (``mesoclinic plan`` and the HTTP
preview), so that they word a broken document the same way; ``planning.request`` then validates
the value.
"""

from __future__ import annotations

import json

from mesoclinic.planning.errors import PlanningError, Problem


def decode_json(text: str | bytes) -> object:
    """Decode a JSON document, or raise ``PlanningError`` with one line saying where it broke.

    Bytes are decoded as JSON allows (UTF-8, -16 or -32); a leading byte-order mark is ignored.
    ``NaN`` and ``Infinity``, which Python's decoder accepts but JSON does not, are refused.
    Documents nested too deeply for the decoder and numbers too long to convert are reported like
    any other malformed input, so a caller never sees a traceback for bad bytes.
    """
    if isinstance(text, str):
        # Editors on some systems start a UTF-8 file with a byte-order mark; it is not content.
        text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _NotJson as error:
        reason = str(error)
    except json.JSONDecodeError as error:
        reason = f"{error.msg} at line {error.lineno} column {error.colno}"
    except UnicodeDecodeError:
        reason = "the bytes are not Unicode text (UTF-8 expected)"
    except RecursionError:
        reason = "nested too deeply"
    except ValueError:  # the only other one: an integer beyond Python's conversion limit
        reason = "a number has too many digits"
    # About the document as a whole: no field path.
    raise PlanningError([Problem("", f"invalid JSON: {reason}")])


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> object:
    raise _NotJson(f"{name} is not a JSON value")
