"""A plan as a plain-text report for a clinician reading a terminal or a printout.

Sections in the order a practitioner decides: verdict, findings, what is declined, one table per
treated zone, courses, visits, alternatives, and the sources every bracketed id refers to. Lines
stay within ``WIDTH`` columns (a long URL may not); no colour codes, so the text can be piped or
printed. A number the knowledge base does not establish reads "not established", never a guess.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Protocol

from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import Area, Course, Needle, Plan, PlannedSubstance, Visit

WIDTH: Final = 100
NOT_ESTABLISHED: Final = "not established"
NONE_MARK: Final = "—"
_LABEL_WIDTH: Final = 18
_INDENT: Final = "  "


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def plan_to_text(plan: Plan, knowledge: Knowledge) -> str:
    """The report for ``plan``, ending in a newline. Codes ``knowledge`` lacks print as codes."""
    text = _Text(knowledge)
    sections = [
        [f"Plan (knowledge {plan.knowledge_version})", f"Verdict: {_words(plan.verdict)}"],
        text.findings(plan),
        text.declined(plan),
        text.areas(plan),
        text.courses(plan),
        text.visits(plan),
        text.alternatives(plan),
        text.sources(plan),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


class _Text:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def findings(self, plan: Plan) -> list[str]:
        if not plan.findings:
            return ["Findings: none"]
        lines = ["Findings"]
        for finding in plan.findings:
            zones = f" Zones: {self.zones(finding.zones)}." if finding.zones else ""
            body = f"{finding.message}{zones}{_cite(finding.sources)}"
            lines += _hanging(f"{finding.severity.value.upper():<9}", body, _INDENT)
        return lines

    def declined(self, plan: Plan) -> list[str]:
        if not plan.declined:
            return []
        lines = ["Declined"]
        for declined in plan.declined:
            head = f"{self.concerns([declined.concern])} in {self.zones(declined.zones)}: "
            lines += _wrap(head + declined.reason + _cite(declined.sources), _INDENT, _INDENT * 2)
        return lines

    def areas(self, plan: Plan) -> list[str]:
        if not plan.areas:
            return ["Areas: none planned"]
        lines = ["Areas"]
        for area in plan.areas:
            lines += ["", *self.area(area)]
        return lines

    def area(self, area: Area) -> list[str]:
        heading = (
            f"{self.zones([area.zone])}: {self.concerns(area.concerns)} (protocol {area.protocol})"
        )
        rows: list[tuple[str, str]] = [
            ("layer", _words(area.layer)),
            *_depth(area),
            ("insertion", _amount(area.insertion_mm, " mm of needle")),
            ("angle", NOT_ESTABLISHED if area.angle_deg is None else f"{area.angle_deg}°"),
            ("needle", _needle(area.needle)),
            ("technique", _words(area.technique)),
        ]
        substances = [
            f"{s.name}{' ' + s.concentration if s.concentration else ''} "
            f"({_noted(_substance_facts(s), s.evidence_note)})"
            f"{_cite(s.sources)}"
            for s in area.substances
        ]
        rows += [("substances", text) for text in substances or [NONE_MARK]]
        rows += [
            ("volume per point", _amount(area.volume_per_point_ml, " mL")),
            ("spacing", _amount(area.spacing_mm, " mm")),
            ("points", _amount(area.points, "")),
            ("volume", _amount(area.volume_ml, " mL")),
        ]
        rows += [("notes", note) for note in area.notes]
        rows.append(("sources", _cite(area.sources).strip() or NONE_MARK))
        return _wrap(heading, _INDENT, _INDENT * 2) + _table(rows, _INDENT * 2)

    def courses(self, plan: Plan) -> list[str]:
        if not plan.courses:
            return []
        lines = ["Courses"]
        for course in plan.courses:
            lines += ["", *self.course(course)]
        return lines

    def course(self, course: Course) -> list[str]:
        heading = (
            f"{self.concerns(course.concerns)} in {self.zones(course.zones)} "
            f"(protocol {course.protocol})"
        )
        maintenance = course.maintenance
        review = (
            NOT_ESTABLISHED
            if maintenance.review_after_weeks is None
            else f"review after {maintenance.review_after_weeks} weeks"
        )
        rows = [
            ("sessions", _amount(course.sessions, "")),
            ("interval", _amount(course.interval_days, " days")),
            (
                "maintenance",
                _noted(f"{review} (evidence {_words(maintenance.evidence)})", maintenance.note)
                + _cite(maintenance.sources),
            ),
        ]
        if course.note:
            rows.append(("note", course.note))
        rows.append(("sources", _cite(course.sources).strip() or NONE_MARK))
        return _wrap(heading, _INDENT, _INDENT * 2) + _table(rows, _INDENT * 2)

    def visits(self, plan: Plan) -> list[str]:
        if not plan.visits:
            return []
        header = f"{_INDENT}{'when':<12}{'volume':<10}{'lidocaine':<24}zones"
        lines = ["Visits", header]
        for visit in plan.visits:
            lines += _hanging(
                f"{_when(visit):<12}{_amount(visit.volume_ml, ' mL', NONE_MARK):<10}"
                f"{_lidocaine(visit):<24}",
                self.zones(visit.zones),
                _INDENT,
            )
        return lines

    def alternatives(self, plan: Plan) -> list[str]:
        if not plan.alternatives:
            return []
        lines = ["Alternatives"]
        for alt in plan.alternatives:
            kind = "needle-free" if alt.needle_free else "uses needles"
            text = _noted(
                f"{alt.name} ({kind}) for {self.concerns(alt.for_concerns)}; "
                f"evidence {_words(alt.evidence)}",
                alt.note,
            )
            text += _cite(alt.sources)
            lines += _wrap(text, _INDENT, _INDENT * 2)
        return lines

    def sources(self, plan: Plan) -> list[str]:
        if not plan.sources:
            return []
        lines = ["Sources"]
        for sid in plan.sources:
            source = self.knowledge.sources.get(sid)
            label = f"[{sid}] "
            if source is None:
                lines.append(f"{_INDENT}{label}(not in the knowledge base)")
                continue
            quality = QUALITY_WORDS.get(source.quality, source.quality)
            lines += _hanging(label, f"{source.citation} ({quality})", _INDENT)
            lines.append(_INDENT + " " * len(label) + source.url)
        return lines

    def zones(self, codes: Iterable[str]) -> str:
        return _names(codes, self.knowledge.zones)

    def concerns(self, codes: Iterable[str]) -> str:
        return _names(codes, self.knowledge.concerns)


# --- formatting helpers ----------------------------------------------------------------------


def _names(codes: Iterable[str], known: Mapping[str, _Named]) -> str:
    return ", ".join(known[code].name if code in known else code for code in codes)


def _words(value: object) -> str:
    """An enum's value as words: ``mid_dermis`` -> ``mid dermis``."""
    return str(getattr(value, "value", value)).replace("_", " ")


def _number(value: float) -> str:
    # "g" drops a float's trailing ".0" and keeps the figures the knowledge base gave.
    return f"{value:g}"


# A source's quality flag as the report prints it beside the citation.
QUALITY_WORDS = {
    "peer_reviewed": "peer-reviewed",
    "label": "label",
    "consensus": "consensus",
    "regulator": "regulator",
    "secondary": "secondary source",
    "low": "low quality",
    "vendor": "vendor",
}
_PRESCRIPTION = {True: ", prescription only", False: ""}


def _substance_facts(substance: PlannedSubstance) -> str:
    prescription = _PRESCRIPTION[substance.prescription_only]
    return f"{_words(substance.role)}{prescription}; evidence {_words(substance.evidence)}"


def _amount(value: float | None, unit: str, missing: str = NOT_ESTABLISHED) -> str:
    return missing if value is None else f"{_number(value)}{unit}"


def _depth(area: Area) -> list[tuple[str, str]]:
    """The depth row, and the knowledge base's note on it in the value column below."""
    depth = area.depth_mm
    if depth is None:
        figure = NOT_ESTABLISHED
    else:
        figure = (
            f"{_number(depth.target)} mm (range {_number(depth.min)} to {_number(depth.max)} mm)"
        )
    return [("depth", figure)] + ([("", area.depth_note)] if area.depth_note else [])


def _needle(needle: Needle) -> str:
    if needle.gauge is None and needle.length_mm is None:
        return NOT_ESTABLISHED
    gauge = NOT_ESTABLISHED + " gauge" if needle.gauge is None else f"{needle.gauge} G"
    length = _amount(needle.length_mm, " mm", "length " + NOT_ESTABLISHED)
    return f"{gauge}, {length}"


def _when(visit: Visit) -> str:
    return visit.date.isoformat() if visit.date is not None else f"day {visit.day}"


def _lidocaine(visit: Visit) -> str:
    given = _amount(visit.lidocaine_mg, " mg", NONE_MARK)
    ceiling = _amount(visit.lidocaine_max_mg, " mg", NONE_MARK)
    return f"{given} (max {ceiling})"


def _noted(text: str, note: str) -> str:
    return f"{text}: {note}" if note else text


def _cite(sources: Sequence[str]) -> str:
    return " [" + ", ".join(sources) + "]" if sources else ""


def _table(rows: Sequence[tuple[str, str]], indent: str) -> list[str]:
    """Label and value columns; a label repeated on consecutive rows is printed once."""
    lines: list[str] = []
    previous = None
    for label, value in rows:
        shown = "" if label == previous else label
        lines += _hanging(f"{shown:<{_LABEL_WIDTH}}", value, indent)
        previous = label
    return lines


def _hanging(label: str, text: str, indent: str) -> list[str]:
    """``text`` wrapped to the width, its first line after ``label``, the rest aligned under it."""
    return _wrap(text, indent + label, indent + " " * len(label))


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
