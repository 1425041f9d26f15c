"""Plans as the planning contract's JSON response, and (re-exported) as a text report.

``plan_to_dict`` is the one place that knows the response shape of the contract in the design
document: keys in the contract's order, enums as their values, tuples as lists, dates as ISO
strings, and ``sources`` mapping every id the plan cites to its citation and URL. The CLI's
``--json`` output and the HTTP preview both come from it, so they cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import (
    Alternative,
    Area,
    Course,
    Declined,
    Finding,
    Plan,
    PlannedSubstance,
    Visit,
)
from mesoclinic.planning.render_text import plan_to_text

__all__ = ["dump_compact_json", "dump_json", "plan_to_dict", "plan_to_json", "plan_to_text"]

JsonDict = dict[str, Any]


def plan_to_dict(plan: Plan, knowledge: Knowledge) -> JsonDict:
    """The contract's response object for ``plan``; only JSON types, keys in contract order.

    Raises ``LookupError`` if the plan cites a source the knowledge base lacks: the engine and
    the knowledge it was given disagree, which is a defect, not bad input.
    """
    return {
        "knowledge_version": plan.knowledge_version,
        "verdict": plan.verdict.value,
        "findings": [_finding(finding) for finding in plan.findings],
        "declined": [_declined(declined) for declined in plan.declined],
        "alternatives": [_alternative(alternative) for alternative in plan.alternatives],
        "areas": [_area(area) for area in plan.areas],
        "courses": [_course(course) for course in plan.courses],
        "visits": [_visit(visit) for visit in plan.visits],
        "sources": _sources(plan, knowledge),
    }


def plan_to_json(plan: Plan, knowledge: Knowledge) -> str:
    """``plan_to_dict`` as JSON text: two-space indent, UTF-8 kept, a final newline.

    Keys are not sorted, so the contract's order stays; the same plan always gives the same text.
    """
    return dump_json(plan_to_dict(plan, knowledge))


def dump_json(value: object) -> str:
    """The project's JSON text style for plans and lists of plans."""
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dump_compact_json(value: object) -> str:
    """The same JSON without indentation or spaces, and a final newline.

    ``json.dumps`` with ``indent`` runs Python's pure-Python encoder; without it the C encoder
    does the work, several times faster on batches of plans.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def _finding(finding: Finding) -> JsonDict:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "zones": list(finding.zones),
        "sources": list(finding.sources),
    }


def _declined(declined: Declined) -> JsonDict:
    return {
        "concern": declined.concern,
        "zones": list(declined.zones),
        "reason": declined.reason,
        "sources": list(declined.sources),
    }


def _alternative(alternative: Alternative) -> JsonDict:
    return {
        "code": alternative.code,
        "name": alternative.name,
        "needle_free": alternative.needle_free,
        "for_concerns": list(alternative.for_concerns),
        "prescription_only": alternative.prescription_only,
        "evidence": alternative.evidence.value,
        "effect": alternative.effect.value,
        "note": alternative.note,
        "sources": list(alternative.sources),
    }


def _area(area: Area) -> JsonDict:
    depth = area.depth_mm
    return {
        "zone": area.zone,
        "concerns": list(area.concerns),
        "protocol": area.protocol,
        "layer": area.layer.value,
        "depth_mm": (
            None if depth is None else {"target": depth.target, "min": depth.min, "max": depth.max}
        ),
        "insertion_mm": area.insertion_mm,
        "depth_note": area.depth_note,
        "angle_deg": area.angle_deg,
        "needle": {"gauge": area.needle.gauge, "length_mm": area.needle.length_mm},
        "technique": area.technique.value,
        "substances": [_substance(substance) for substance in area.substances],
        "volume_per_point_ml": area.volume_per_point_ml,
        "spacing_mm": area.spacing_mm,
        "points": area.points,
        "volume_ml": area.volume_ml,
        "notes": list(area.notes),
        "sources": list(area.sources),
    }


def _substance(substance: PlannedSubstance) -> JsonDict:
    return {
        "code": substance.code,
        "name": substance.name,
        "concentration": substance.concentration,
        "role": substance.role.value,
        "prescription_only": substance.prescription_only,
        "evidence": substance.evidence.value,
        "evidence_note": substance.evidence_note,
        "sources": list(substance.sources),
    }


def _course(course: Course) -> JsonDict:
    maintenance = course.maintenance
    return {
        "protocol": course.protocol,
        "concerns": list(course.concerns),
        "zones": list(course.zones),
        "sessions": course.sessions,
        "interval_days": course.interval_days,
        "session_days": list(course.session_days),
        "maintenance": {
            "review_after_weeks": maintenance.review_after_weeks,
            "evidence": maintenance.evidence.value,
            "note": maintenance.note,
            "sources": list(maintenance.sources),
        },
        "note": course.note,
        "sources": list(course.sources),
    }


def _visit(visit: Visit) -> JsonDict:
    return {
        "day": visit.day,
        "date": None if visit.date is None else visit.date.isoformat(),
        "zones": list(visit.zones),
        "volume_ml": visit.volume_ml,
        "lidocaine_mg": visit.lidocaine_mg,
        "lidocaine_max_mg": visit.lidocaine_max_mg,
        "lidocaine_max_ml": visit.lidocaine_max_ml,
    }


def _sources(plan: Plan, knowledge: Knowledge) -> dict[str, dict[str, str]]:
    missing = [sid for sid in plan.sources if sid not in knowledge.sources]
    if missing:
        raise LookupError(f"plan cites sources the knowledge base lacks: {', '.join(missing)}")
    return {
        sid: {
            "citation": knowledge.sources[sid].citation,
            "url": knowledge.sources[sid].url,
            "quality": knowledge.sources[sid].quality,
        }
        for sid in plan.sources
    }
