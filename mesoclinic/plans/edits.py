"""Which values of a stored plan a practitioner may change, and how each is checked.

Pure functions over the plan's JSON (the planning contract's response); no Django, no queries.
A path names one value, e.g. ``areas[0].points``, ``areas[0].depth_mm.target``,
``areas[0].substances[0].concentration``, ``courses[1].sessions``, ``visits[2].date``.

Rules of this module:
1. Only the treatment parameters are editable (``EDITABLE``): what the engine concluded about the
   patient (verdict, findings, declined requests, sources, codes) is never edited; a
   practitioner who disagrees records it in the consultation and generates a new plan.
2. The path must exist in the current plan: its indices in range and its parent present. A
   value the engine left null ("not established") may be set; a null depth is set whole
   (``areas[i].depth_mm`` with target, min and max), since its parts have nowhere to live.
3. Numbers are finite and greater than 0, whole where the contract says whole, and a depth keeps
   min <= target <= max. Values are never set back to null.
4. Every message names the path and the bad value, and the nearest valid path where one exists.
5. A zone's volume follows its points and volume per point: changing either sets the zone's
   ``volume_ml`` to their product once both are known, and each visit that treats the zone to
   the sum of its zones' volumes (or null while any is unknown), as the engine computes them.
   Setting ``volume_ml`` itself is still allowed, for a zone treated unevenly.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Final

from mesoclinic.planning.model import Layer, Technique

JsonDict = dict[str, Any]


class Kind(StrEnum):
    WHOLE = "whole"  # a whole number > 0
    NUMBER = "number"  # a number > 0
    ANGLE = "angle"  # whole degrees, 1 to 90
    DEPTH_PART = "depth_part"  # mm > 0, kept ordered with its siblings
    DEPTH = "depth"  # {"target", "min", "max"} in mm
    TEXT = "text"
    LAYER = "layer"
    TECHNIQUE = "technique"
    DATE = "date"


EDITABLE: Final[dict[str, Kind]] = {
    "areas[].layer": Kind.LAYER,
    "areas[].depth_mm": Kind.DEPTH,
    "areas[].depth_mm.target": Kind.DEPTH_PART,
    "areas[].depth_mm.min": Kind.DEPTH_PART,
    "areas[].depth_mm.max": Kind.DEPTH_PART,
    "areas[].depth_note": Kind.TEXT,
    "areas[].angle_deg": Kind.ANGLE,
    "areas[].needle.gauge": Kind.WHOLE,
    "areas[].needle.length_mm": Kind.NUMBER,
    "areas[].technique": Kind.TECHNIQUE,
    "areas[].substances[].concentration": Kind.TEXT,
    "areas[].volume_per_point_ml": Kind.NUMBER,
    "areas[].spacing_mm": Kind.NUMBER,
    "areas[].points": Kind.WHOLE,
    "areas[].volume_ml": Kind.NUMBER,
    "courses[].sessions": Kind.WHOLE,
    "courses[].interval_days": Kind.WHOLE,
    "courses[].maintenance.review_after_weeks": Kind.WHOLE,
    "courses[].note": Kind.TEXT,
    "visits[].date": Kind.DATE,
    "visits[].volume_ml": Kind.NUMBER,
}

MAX_NUMBER: Final = 100_000
MAX_TEXT: Final = 500
_SEGMENT: Final = re.compile(r"([a-z_]+)((?:\[[0-9]{1,4}\])*)")
_INDEX: Final = re.compile(r"\[([0-9]+)\]")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOW_LIMIT: Final = 60


class EditError(Exception):
    """A refused edit: ``field`` is ``path`` or ``value``, ``message`` names the bad input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def kind_of(path: str) -> Kind:
    """The kind of value at ``path``; ``EditError`` on a path that is not an editable one."""
    pattern = _pattern(path)
    kind = EDITABLE.get(pattern) if pattern is not None else None
    if kind is None:
        raise EditError("path", f"{show(path)} is not an editable value of a plan")
    return kind


def current_value(plan: JsonDict, path: str) -> Any:
    """The value at ``path`` in ``plan``, after checking that it is editable and exists there."""
    kind_of(path)
    parent, key = _locate(plan, path)
    return parent[key]


def apply_edit(plan: JsonDict, path: str, value: object) -> tuple[JsonDict, Any, Any]:
    """(new plan, old value, new value): a deep copy of ``plan`` with ``path`` set to ``value``.

    ``plan`` is not changed. Raises ``EditError`` for a path that is not editable or does not
    exist in ``plan``, and for a value of the wrong kind.
    """
    kind = kind_of(path)
    _locate(plan, path)  # existence first, so the message says "no such zone" before "bad value"
    new_value = _checked(kind, path, value)
    updated = copy.deepcopy(plan)
    parent, key = _locate(updated, path)
    old_value = copy.deepcopy(parent[key])
    if kind is Kind.DEPTH_PART:
        _check_depth_order({**parent, str(key): new_value}, path)
    if old_value == new_value:
        raise EditError("value", f"{path} is already {show(new_value)}")
    parent[key] = new_value
    if path.endswith((".points", ".volume_per_point_ml")) and path.startswith("areas["):
        _recompute_volumes(updated, int(path[len("areas[") :].split("]", 1)[0]))
    return updated, old_value, new_value


def _recompute_volumes(plan: JsonDict, index: int) -> None:
    """Rule 5, in place: area ``index``'s volume from its points, then its visits' volumes."""
    area = plan["areas"][index]
    points, per_point = area.get("points"), area.get("volume_per_point_ml")
    if points is None or per_point is None:
        return
    area["volume_ml"] = round(points * per_point, 3)
    volumes = {a.get("zone"): a.get("volume_ml") for a in plan.get("areas") or []}
    for visit in plan.get("visits") or []:
        zones = visit.get("zones") or []
        if area.get("zone") not in zones:
            continue
        shares = [volumes.get(zone) for zone in zones]
        known = [share for share in shares if share is not None]
        visit["volume_ml"] = round(sum(known), 3) if len(known) == len(shares) else None


def value_from_text(path: str, text: str) -> object:
    """A value typed in a form, as the JSON value ``apply_edit`` expects for ``path``.

    Numbers are parsed (a decimal comma is accepted for a single number), a depth is three
    numbers "target, min, max"; anything else stays text for ``apply_edit`` to check.
    """
    kind = kind_of(path)
    text = text.strip()
    if kind in (Kind.WHOLE, Kind.ANGLE):
        try:
            return int(text)
        except ValueError:
            raise EditError("value", _expected(kind, path, text)) from None
    if kind in (Kind.NUMBER, Kind.DEPTH_PART):
        return _number_text(kind, path, text)
    if kind is Kind.DEPTH:
        parts = [part for part in re.split(r"[\s/;]+|,\s*", text) if part]
        if len(parts) != 3:
            raise EditError("value", _expected(kind, path, text))
        target, low, high = (_number_text(kind, path, part) for part in parts)
        return {"target": target, "min": low, "max": high}
    return text


def editable_paths(plan: JsonDict) -> Iterator[str]:
    """Every editable path that exists in ``plan``, in document order."""
    for i, area in enumerate(plan.get("areas") or []):
        base = f"areas[{i}]"
        yield f"{base}.layer"
        if area.get("depth_mm") is None:
            yield f"{base}.depth_mm"
        else:
            yield from (f"{base}.depth_mm.{part}" for part in ("target", "min", "max"))
        yield from (f"{base}.{name}" for name in ("depth_note", "angle_deg"))
        yield from (f"{base}.needle.{name}" for name in ("gauge", "length_mm"))
        yield f"{base}.technique"
        for j, _ in enumerate(area.get("substances") or []):
            yield f"{base}.substances[{j}].concentration"
        for name in ("volume_per_point_ml", "spacing_mm", "points", "volume_ml"):
            yield f"{base}.{name}"
    for i, _ in enumerate(plan.get("courses") or []):
        base = f"courses[{i}]"
        yield from (f"{base}.{name}" for name in ("sessions", "interval_days"))
        yield f"{base}.maintenance.review_after_weeks"
        yield f"{base}.note"
    for i, _ in enumerate(plan.get("visits") or []):
        yield from (f"visits[{i}].{name}" for name in ("date", "volume_ml"))


def show(value: object) -> str:
    """``value`` as JSON on one line, cut short: how messages quote what the user sent."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = type(value).__name__
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


# --- paths ---------------------------------------------------------------------------------


def _pattern(path: str) -> str | None:
    """``areas[3].substances[0].concentration`` -> ``areas[].substances[].concentration``."""
    if not isinstance(path, str) or len(path) > 120:
        return None
    segments = path.split(".")
    if not all(_SEGMENT.fullmatch(segment) for segment in segments):
        return None
    return _INDEX.sub("[]", path)


def _locate(plan: JsonDict, path: str) -> tuple[Any, str | int]:
    """(container, key) of ``path`` in ``plan``; ``EditError`` naming the first missing step."""
    node: Any = plan
    steps: list[str | int] = []
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        assert match is not None  # kind_of has checked the grammar  # noqa: S101
        steps.append(match.group(1))
        steps.extend(int(index) for index in _INDEX.findall(match.group(2)))
    walked = ""
    for position, step in enumerate(steps):
        last = position == len(steps) - 1
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                count = len(node) if isinstance(node, list) else 0
                raise EditError("path", _missing(plan, path, f"{walked} has {count} item(s)"))
            label = f"{walked}[{step}]"
        else:
            if not isinstance(node, dict) or step not in node:
                raise EditError("path", _missing(plan, path, f"{walked or 'the plan'} is not set"))
            label = f"{walked}.{step}" if walked else step
        if last:
            return node, step
        node = node[step]
        if node is None:
            raise EditError("path", _missing(plan, path, f"{label} is not set"))
        walked = label
    raise EditError("path", f"{show(path)} is empty")  # pragma: no cover - split gives one step


def _missing(plan: JsonDict, path: str, why: str) -> str:
    candidates = list(editable_paths(plan))
    # The same item's paths first: "areas[2].depth_mm.target" should suggest "areas[2].depth_mm",
    # not the target of another area that happens to spell closer.
    item = path.split(".", 1)[0] + "."
    same_item = [candidate for candidate in candidates if candidate.startswith(item)]
    nearest = difflib.get_close_matches(path, same_item, n=1, cutoff=0.6) or (
        difflib.get_close_matches(path, candidates, n=1, cutoff=0.6)
    )
    hint = f" (did you mean {show(nearest[0])}?)" if nearest else ""
    return f"{show(path)} is not in this plan: {why}{hint}"


# --- values --------------------------------------------------------------------------------


def _checked(kind: Kind, path: str, value: object) -> object:
    if kind is Kind.WHOLE:
        if _is_int(value) and 0 < value <= MAX_NUMBER:  # type: ignore[operator]
            return value
    elif kind is Kind.ANGLE:
        if _is_int(value) and 1 <= value <= 90:  # type: ignore[operator]
            return value
    elif kind in (Kind.NUMBER, Kind.DEPTH_PART):
        number = _positive(value)
        if number is not None:
            return number
    elif kind is Kind.DEPTH:
        return _depth(path, value)
    elif kind is Kind.TEXT:
        if isinstance(value, str) and value.strip() and len(value.strip()) <= MAX_TEXT:
            return value.strip()
    elif kind is Kind.LAYER:
        if value in [layer.value for layer in Layer]:
            return value
    elif kind is Kind.TECHNIQUE:
        if value in [technique.value for technique in Technique]:
            return value
    elif kind is Kind.DATE and isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise EditError("value", _expected(kind, path, value))


def _depth(path: str, value: object) -> JsonDict:
    if not isinstance(value, dict) or set(value) != {"target", "min", "max"}:
        raise EditError("value", _expected(Kind.DEPTH, path, value))
    parts = {key: _positive(value[key]) for key in ("target", "min", "max")}
    if any(part is None for part in parts.values()):
        raise EditError("value", _expected(Kind.DEPTH, path, value))
    _check_depth_order(parts, path)
    return parts


def _check_depth_order(depth: JsonDict, path: str) -> None:
    low, target, high = depth["min"], depth["target"], depth["max"]
    if not low <= target <= high:
        raise EditError(
            "value",
            f"{path}: a depth needs min <= target <= max, got min {show(low)}, "
            f"target {show(target)}, max {show(high)}",
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    if not math.isfinite(number) or not 0 < number <= MAX_NUMBER:
        return None
    return number


def _number_text(kind: Kind, path: str, text: str) -> float:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise EditError("value", _expected(kind, path, text)) from None
    if not math.isfinite(number):
        raise EditError("value", _expected(kind, path, text))
    return number


_EXPECTED: Final[dict[Kind, str]] = {
    Kind.WHOLE: f"a whole number from 1 to {MAX_NUMBER}",
    Kind.NUMBER: f"a number greater than 0 (at most {MAX_NUMBER})",
    Kind.ANGLE: "a whole number of degrees from 1 to 90",
    Kind.DEPTH_PART: "a depth in mm greater than 0",
    Kind.DEPTH: 'three depths in mm greater than 0: target, min, max (e.g. "0.6, 0.5, 0.8")',
    Kind.TEXT: f"text of 1 to {MAX_TEXT} characters",
    Kind.LAYER: "one of " + ", ".join(layer.value for layer in Layer),
    Kind.TECHNIQUE: "one of " + ", ".join(technique.value for technique in Technique),
    Kind.DATE: "a date YYYY-MM-DD",
}


def _expected(kind: Kind, path: str, value: object) -> str:
    return f"{path} must be {_EXPECTED[kind]}, got {show(value)}"
