"""Tests of ``planning.render``: the contract's response shape, exactly, and the text report."""

from __future__ import annotations

import dataclasses
import json

import pytest

from mesoclinic.planning.render import plan_to_dict, plan_to_json, plan_to_text
from mesoclinic.planning.render_text import WIDTH
from mesoclinic.planning.tests.io_samples import knowledge, plan

KNOWLEDGE = knowledge()

EXPECTED = {
    "knowledge_version": "test+sha256:000000000000",
    "verdict": "suitable_with_cautions",
    "findings": [
        {
            "code": "anticoagulant",
            "severity": "caution",
            "message": "Bruising is more likely.",
            "zones": ["cheeks"],
            "sources": ["T1"],
        }
    ],
    "declined": [
        {
            "concern": "detox",
            "zones": ["abdomen"],
            "reason": "No evidence supports it.",
            "sources": ["T2"],
        }
    ],
    "alternatives": [
        {
            "code": "topical_cream",
            "name": "Topical cream",
            "needle_free": True,
            "for_concerns": ["pigmentation"],
            "prescription_only": False,
            "evidence": "RCT",
            "effect": "not_established",
            "note": "Applied at home.",
            "sources": ["T3"],
        }
    ],
    "areas": [
        {
            "zone": "cheeks",
            "concerns": ["pigmentation"],
            "protocol": "pigmentation.face",
            "layer": "mid_dermis",
            "depth_mm": {"target": 0.64, "min": 0.45, "max": 0.85},
            "insertion_mm": 1.28,
            "depth_note": "Half the measured dermis below the epidermis.",
            "angle_deg": 30,
            "needle": {"gauge": 32, "length_mm": 4.0},
            "technique": "microdroplet",
            "substances": [
                {
                    "code": "tranexamic_acid",
                    "name": "Tranexamic acid",
                    "concentration": "4 mg/mL",
                    "role": "active",
                    "prescription_only": True,
                    "evidence": "RCT",
                    "evidence_note": "Trials disagree.",
                    "sources": ["T1"],
                }
            ],
            "volume_per_point_ml": 0.05,
            "spacing_mm": 10.0,
            "points": 20,
            "volume_ml": 1.0,
            "notes": ["Avoid the infected patch."],
            "sources": ["T1"],
        },
        {
            "zone": "scalp",
            "concerns": ["hair_loss"],
            "protocol": "hair_loss.scalp",
            "layer": "superficial_dermis",
            "depth_mm": None,
            "insertion_mm": None,
            "depth_note": "No measured thickness for this zone: measure or choose.",
            "angle_deg": None,
            "needle": {"gauge": None, "length_mm": None},
            "technique": "nappage",
            "substances": [],
            "volume_per_point_ml": None,
            "spacing_mm": None,
            "points": None,
            "volume_ml": None,
            "notes": [],
            "sources": ["T2"],
        },
    ],
    "courses": [
        {
            "protocol": "pigmentation.face",
            "concerns": ["pigmentation"],
            "zones": ["cheeks"],
            "sessions": 3,
            "interval_days": 28,
            "session_days": [],
            "maintenance": {
                "review_after_weeks": 12,
                "evidence": "expert_opinion",
                "note": "Review the result.",
                "sources": ["T2"],
            },
            "note": "Sessions four weeks apart.",
            "sources": ["T1"],
        }
    ],
    "visits": [
        {
            "day": 1,
            "date": "2027-01-11",
            "zones": ["cheeks", "scalp"],
            "volume_ml": 1.0,
            "lidocaine_mg": 0.0,
            "lidocaine_max_mg": 300.0,
            "lidocaine_max_ml": None,
        },
        {
            "day": 29,
            "date": None,
            "zones": ["cheeks"],
            "volume_ml": None,
            "lidocaine_mg": None,
            "lidocaine_max_mg": None,
            "lidocaine_max_ml": None,
        },
    ],
    "sources": {
        "T1": {
            "citation": "Test citation T1",
            "url": "https://example.org/T1",
            "quality": "peer_reviewed",
        },
        "T2": {
            "citation": "Test citation T2",
            "url": "https://example.org/T2",
            "quality": "peer_reviewed",
        },
        "T3": {
            "citation": "Test citation T3",
            "url": "https://example.org/T3",
            "quality": "peer_reviewed",
        },
    },
}


def key_order(value: object) -> object:
    """Every object's keys, in order, recursively: dict equality alone ignores order."""
    if isinstance(value, dict):
        return [(key, key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [key_order(item) for item in value]
    return None


def test_plan_to_dict_is_the_contract_shape() -> None:
    result = plan_to_dict(plan(), KNOWLEDGE)
    assert result == EXPECTED
    assert key_order(result) == key_order(EXPECTED)


def test_plan_to_dict_holds_only_json_types() -> None:
    result = plan_to_dict(plan(), KNOWLEDGE)
    assert json.loads(json.dumps(result)) == result


def test_plan_citing_an_unknown_source_is_a_defect() -> None:
    broken = dataclasses.replace(plan(), sources=("T1", "R999"))
    with pytest.raises(LookupError, match="R999"):
        plan_to_dict(broken, KNOWLEDGE)


def test_plan_to_json_is_deterministic_and_keeps_contract_order() -> None:
    first = plan_to_json(plan(), KNOWLEDGE)
    assert first == plan_to_json(plan(), KNOWLEDGE)
    assert first.endswith("}\n")
    assert first.startswith('{\n  "knowledge_version": "test+sha256:000000000000",\n  "verdict"')
    assert json.loads(first) == EXPECTED


def test_plan_to_json_keeps_unicode() -> None:
    accented = dataclasses.replace(plan(), knowledge_version="é")
    assert '"knowledge_version": "é"' in plan_to_json(accented, KNOWLEDGE)


def test_text_report_states_the_key_facts() -> None:
    text = plan_to_text(plan(), KNOWLEDGE)
    for fact in [
        "Verdict: suitable with cautions",
        "CAUTION  Bruising is more likely. Zones: Cheeks. [T1]",
        "Detox in Abdomen: No evidence supports it. [T2]",
        "Cheeks: Pigmentation (protocol pigmentation.face)",
        "depth             0.64 mm (range 0.45 to 0.85 mm)\n"
        "                      Half the measured dermis below the epidermis.",
        "angle             30°",
        "needle            32 G, 4 mm",
        "Tranexamic acid 4 mg/mL (active, prescription only; evidence RCT: Trials\n"
        "                      disagree.) [T1]",
        "insertion         1.28 mm of needle",
        "volume per point  0.05 mL",
        "points            20",
        "depth             not established\n"
        "                      No measured thickness for this zone: measure or choose.",
        "spacing           not established",
        "review after 12 weeks (evidence expert opinion): Review the result. [T2]",
        "  when        volume    lidocaine               zones\n"
        "  2027-01-11  1 mL      0 mg (max 300 mg)       Cheeks, Scalp\n"
        "  day 29      —         — (max —)               Cheeks\n",
        "Topical cream (needle-free) for Pigmentation; evidence RCT: Applied at home. [T3]",
        "[T2] Test citation T2 (peer-reviewed)",
        "https://example.org/T3",
    ]:
        assert fact in text, fact


def test_text_report_sections_come_in_decision_order() -> None:
    text = plan_to_text(plan(), KNOWLEDGE)
    headings = ["Verdict:", "Findings", "Declined", "Areas", "Courses", "Visits", "Alternatives"]
    positions = [text.index(f"\n{heading}") for heading in headings]
    assert positions == sorted(positions)
    assert text.rindex("\nSources\n") > positions[-1]


def test_text_report_is_plain_and_fits_the_width() -> None:
    long_message = "Bruising is more likely " * 20
    finding = dataclasses.replace(plan().findings[0], message=long_message)
    text = plan_to_text(dataclasses.replace(plan(), findings=(finding,)), KNOWLEDGE)
    assert "\x1b" not in text
    assert text.endswith("\n")
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_text_report_of_an_empty_plan_says_so() -> None:
    empty = dataclasses.replace(
        plan(),
        findings=(),
        declined=(),
        alternatives=(),
        areas=(),
        courses=(),
        visits=(),
        sources=(),
    )
    text = plan_to_text(empty, KNOWLEDGE)
    assert "Findings: none" in text
    assert "Areas: none planned" in text
    assert "Sources" not in text
