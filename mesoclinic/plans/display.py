"""A stored plan's JSON arranged for reading: names for codes, "not established" for gaps.

Pure presentation over the planning contract's response (``StoredPlan.current``) and the
knowledge base's names; no query and no rule. The plan page and the print view share it, so
the two cannot show different things.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from mesoclinic.consultations.map_display import MapDisplay, short_name, zone_map
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.plans import edits as plan_edits

JsonDict = dict[str, Any]
NOT_ESTABLISHED: Final = "not established"
# A source's quality flag (planning contract, ``sources.*.quality``) as shown beside it.
QUALITY_LABELS: Final[dict[str, str]] = {
    "peer_reviewed": "peer-reviewed",
    "label": "label",
    "consensus": "consensus",
    "regulator": "regulator",
    "secondary": "secondary source",
    "low": "low quality",
    "vendor": "vendor",
}


@dataclass(frozen=True)
class PlanDisplay:
    """The plan's sections, each item a copy of the JSON item with display strings in ``view``.

    ``view.edited`` holds the item's field paths that an edit changed (e.g. ``points``,
    ``depth_mm.target``), so the templates can mark them.
    """

    plan: JsonDict
    map: MapDisplay
    findings: list[JsonDict]
    declined: list[JsonDict]
    alternatives: list[JsonDict]
    areas: list[JsonDict]
    courses: list[JsonDict]
    visits: list[JsonDict]
    sources: list[tuple[str, str, str, str]]  # (id, citation, url, quality in words)
    # False when every visit's lidocaine is 0 mg: the column would only say "none" beside a
    # ceiling that does not apply.
    visits_use_lidocaine: bool = True


def code_label(code: str) -> str:
    """A code as words: "linear_retrograde" -> "linear retrograde"."""
    return code.replace("_", " ")


def plan_display(
    plan: JsonDict, knowledge: Knowledge, *, edited_paths: Iterable[str] = ()
) -> PlanDisplay:
    """Everything the plan templates print, from the plan's ``current`` document."""
    edited = _edited_by_item(edited_paths)
    areas = [
        _area(index, area, knowledge, edited.get(f"areas[{index}]", set()))
        for index, area in enumerate(plan.get("areas") or [])
    ]
    courses = [
        _with_view(
            course,
            edited.get(f"courses[{index}]", set()),
            concern_names=concern_names(course.get("concerns") or [], knowledge),
            zone_names=zone_names(course.get("zones") or [], knowledge),
        )
        for index, course in enumerate(plan.get("courses") or [])
    ]
    visits = [
        _with_view(
            visit,
            edited.get(f"visits[{index}]", set()),
            number=index + 1,
            zone_names=zone_names(visit.get("zones") or [], knowledge),
            date=_day(visit.get("date")),
            lidocaine=_lidocaine(visit),
        )
        for index, visit in enumerate(plan.get("visits") or [])
    ]
    findings = [
        _with_view(finding, set(), zone_names=zone_names(finding.get("zones") or [], knowledge))
        for finding in plan.get("findings") or []
    ]
    declined = [
        _with_view(
            item,
            set(),
            concern_names=concern_names([item.get("concern", "")], knowledge),
            zone_names=zone_names(item.get("zones") or [], knowledge),
        )
        for item in plan.get("declined") or []
    ]
    marked: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for area in plan.get("areas") or []:
        zone = area.get("zone")
        for concern in area.get("concerns") or []:
            if concern not in marked.setdefault(zone, []):
                marked[zone].append(concern)
        label = _map_label(area)
        if label not in labels.setdefault(zone, []):
            labels[zone].append(label)
    alternatives = [
        _with_view(
            alt, set(), concern_names=concern_names(alt.get("for_concerns") or [], knowledge)
        )
        # sorted() is stable: within each group the engine's order (strongest evidence first).
        for alt in sorted(plan.get("alternatives") or [], key=lambda a: not a.get("needle_free"))
    ]
    sources = [
        (
            sid,
            entry.get("citation", ""),
            _web_url(entry.get("url", "")),
            # Plans stored before sources carried a quality show none.
            QUALITY_LABELS.get(entry.get("quality", ""), ""),
        )
        for sid, entry in (plan.get("sources") or {}).items()
    ]
    return PlanDisplay(
        plan=plan,
        map=zone_map(knowledge, mode="view", marked=marked, labels=labels),
        findings=findings,
        declined=declined,
        alternatives=alternatives,
        areas=areas,
        courses=courses,
        visits=visits,
        sources=sources,
        visits_use_lidocaine=any(visit.get("lidocaine_mg") != 0 for visit in visits),
    )


def zone_names(codes: Sequence[str], knowledge: Knowledge) -> str:
    return ", ".join(_zone_name(code, knowledge) for code in codes)


def concern_names(codes: Sequence[str], knowledge: Knowledge) -> str:
    return ", ".join(
        knowledge.concerns[code].name if code in knowledge.concerns else code for code in codes
    )


FIELD_LABELS: Final[dict[str, str]] = {
    "layer": "layer",
    "depth_mm": "depth (target, min, max in mm)",
    "depth_mm.target": "depth target (mm)",
    "depth_mm.min": "depth min (mm)",
    "depth_mm.max": "depth max (mm)",
    "depth_note": "depth note",
    "angle_deg": "angle (degrees)",
    "needle.gauge": "needle gauge",
    "needle.length_mm": "needle length (mm)",
    "technique": "technique",
    "volume_per_point_ml": "volume per point (mL)",
    "spacing_mm": "spacing (mm)",
    "points": "points",
    "volume_ml": "volume (mL)",
    "sessions": "sessions",
    "interval_days": "interval (days)",
    "maintenance.review_after_weeks": "maintenance review (weeks)",
    "note": "note",
    "date": "date",
}
_CHOICE_VALUE_LIMIT: Final = 40


Choices = list[tuple[str, list[tuple[str, str]]]]


def path_choices(plan: JsonDict, knowledge: Knowledge) -> Choices:
    """Every editable value of ``plan`` for a ``<select>``, grouped by what it belongs to.

    One group per zone ("Forehead for Pigmentation (melasma)"), course and visit ("Visit 1, 11
    January 2027"), in the plan's order; each option names the value in words with what it is
    now ("Points: now 20"). A flat list of sixty "Forehead for ...: points; now 20" lines was
    hard to read, and raw paths were harder.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for path in plan_edits.editable_paths(plan):
        now = show_value(plan_edits.current_value(plan, path))
        if len(now) > _CHOICE_VALUE_LIMIT:
            now = now[: _CHOICE_VALUE_LIMIT - 1] + "…"
        where, words = _path_parts(plan, path, knowledge)
        groups.setdefault(where, []).append((path, f"{words.capitalize()}: now {now}"))
    return list(groups.items())


def path_label(plan: JsonDict, path: str, knowledge: Knowledge) -> str:
    """ "Forehead for Pigmentation (melasma): points" for ``areas[0].points``; else the path."""
    where, words = _path_parts(plan, path, knowledge)
    return f"{where}: {words}" if where else path


_PATH_IN_TEXT: Final = re.compile(r"\b(?:areas|courses|visits)\[[0-9]+\][A-Za-z0-9_.\[\]]*")


def in_words(message: str, plan: JsonDict, knowledge: Knowledge) -> str:
    """``message`` with each plan path in it ("areas[0].points") named as the page names it
    ("Forehead for Pigmentation (melasma): points"), for errors shown to staff."""
    return _PATH_IN_TEXT.sub(lambda m: path_label(plan, m.group(0), knowledge), message)


def _path_parts(plan: JsonDict, path: str, knowledge: Knowledge) -> tuple[str, str]:
    """(what the value belongs to, the value in words); ("", path) for a path not in ``plan``."""
    head, _, rest = path.partition(".")
    words = FIELD_LABELS.get(rest, code_label(rest))
    try:
        section, index = head.rstrip("]").split("[")
        item = plan[section][int(index)]
        if section == "areas":
            zone = _zone_name(item["zone"], knowledge)
            where = f"{zone} for {concern_names(item['concerns'], knowledge)}"
            if rest.startswith("substances["):
                number = int(rest.removeprefix("substances[").split("]", 1)[0])
                words = f"{item['substances'][number]['name']} concentration"
        elif section == "courses":
            where = f"Course for {concern_names(item['concerns'], knowledge)}"
        elif section == "visits":
            day = _day(item.get("date"))
            where = f"Visit {int(index) + 1}" + (f", {day.day} {day:%B %Y}" if day else "")
        else:
            return "", path
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return "", path
    return where, words


def show_value(value: object) -> str:
    if value is None:
        return NOT_ESTABLISHED
    if isinstance(value, dict) and set(value) == {"target", "min", "max"}:
        return f"{value['target']} mm ({value['min']} to {value['max']})"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- helpers -------------------------------------------------------------------------------


def _web_url(url: object) -> str:
    """``url`` if it is an http(s) address, else "": nothing else becomes a link."""
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return url
    return ""


def _day(value: object) -> dt.date | None:
    """The contract's ISO date as a date, for the templates to print as the app does ("2
    December 2026"); None for no date or (in a hand-edited plan) a value that is not one."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _lidocaine(visit: Mapping[str, Any]) -> str:
    """ "none" for a visit that uses no lidocaine (its ceiling does not matter then), else the
    amount beside the ceiling."""
    amount, ceiling = visit.get("lidocaine_mg"), visit.get("lidocaine_max_mg")
    if amount == 0:
        return "none"
    shown = NOT_ESTABLISHED if amount is None else f"{show_value(amount)} mg"
    return shown if ceiling is None else f"{shown} (at most {show_value(ceiling)} mg)"


def _zone_name(code: str, knowledge: Knowledge) -> str:
    zone = knowledge.zones.get(code)
    return zone.name if zone else code


def _map_label(area: Mapping[str, Any]) -> str:
    depth = area.get("depth_mm")
    shown = f"{show_value(depth['target'])} mm" if depth else "depth: measure"
    return f"{shown} · {code_label(str(area.get('technique', '')))}"


def _edited_by_item(paths: Iterable[str]) -> dict[str, set[str]]:
    """``areas[0].depth_mm.target`` -> {"areas[0]": {"depth_mm.target", "depth_mm"}}."""
    edited: dict[str, set[str]] = {}
    for path in paths:
        item, _, rest = path.partition(".")
        fields = edited.setdefault(item, set())
        fields.add(rest)
        fields.add(rest.split(".", 1)[0])
    return edited


def _with_view(item: JsonDict, edited: set[str], **view: Any) -> JsonDict:
    return {**item, "view": {**view, "edited": edited}}


def _area(index: int, area: JsonDict, knowledge: Knowledge, edited: set[str]) -> JsonDict:
    """The area with display strings added under ``view``; the original keys are kept."""
    needle = area.get("needle") or {}
    gauge, length = needle.get("gauge"), needle.get("length_mm")
    substances = [
        {**substance, "edited": f"substances[{number}].concentration" in edited}
        for number, substance in enumerate(area.get("substances") or [])
    ]
    return {
        **area,
        "view": {
            "edited": edited,
            "substances": substances,
            "index": index,
            "path": f"areas[{index}]",
            "zone_name": _zone_name(area.get("zone", ""), knowledge),
            "short_name": short_name(_zone_name(area.get("zone", ""), knowledge)),
            "concern_names": concern_names(area.get("concerns") or [], knowledge),
            "layer": code_label(str(area.get("layer", ""))),
            "technique": code_label(str(area.get("technique", ""))),
            "needle": (
                NOT_ESTABLISHED
                if gauge is None and length is None
                else f"{show_value(gauge)} G, {show_value(length)} mm"
            ),
            "angle": NOT_ESTABLISHED if area.get("angle_deg") is None else f"{area['angle_deg']}°",
        },
    }
