"""Screening inputs the fact base names, each with its rule and source (table-driven)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import ConcernRequest, Finding, Patient, PlanRequest, Severity, Sex
from mesoclinic.planning.request import parse_request
from mesoclinic.planning.tests.io_samples import full_request

KB = default_knowledge()
BASE = Patient(age=40, sex=Sex.MALE, weight_kg=80)
CHEEKS = (ConcernRequest("skin_quality", ("cheeks", "forehead")),)


def _rule(code: str) -> Finding:
    rule = next(r for r in KB.rules if r.code == code)
    return Finding(rule.code, rule.severity, rule.message, (), rule.sources)


CASES: list[tuple[str, dict[str, Any], list[Finding]]] = [
    (
        "prior treatment in one of the zones",
        {"prior_treatment_zones": ("forehead",)},
        [dataclasses.replace(_rule("prior_treatment_in_area"), zones=("forehead",))],
    ),
    ("laser 5 weeks ago", {"weeks_since_laser": 5}, [_rule("recent_laser")]),
    ("laser 6 weeks ago", {"weeks_since_laser": 6}, []),
    (
        "facial surgery 12 weeks ago",
        {"weeks_since_facial_surgery": 12},
        [_rule("recent_facial_surgery")],
    ),
    ("facial surgery 13 weeks ago", {"weeks_since_facial_surgery": 13}, []),
    (
        "isotretinoin stopped 30 weeks ago",
        {"weeks_since_isotretinoin": 30},
        [_rule("isotretinoin_recently_stopped")],
    ),
    ("isotretinoin stopped a year ago", {"weeks_since_isotretinoin": 52}, []),
    ("low-dose aspirin", {"medications": ("low_dose_aspirin",)}, [_rule("low_dose_aspirin")]),
]


@pytest.mark.parametrize(("facts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_screening_input_fires_its_rule(
    facts: dict[str, Any], expected: list[Finding]
) -> None:
    plan = make_plan(PlanRequest(dataclasses.replace(BASE, **facts), CHEEKS), KB)
    new = [f for f in plan.findings if f.code != "lidocaine_dose_unchecked"]
    assert new == expected
    for finding in expected:
        assert finding.sources, finding.code


def test_the_recent_procedure_rules_ask_a_clinician() -> None:
    for code in ("recent_laser", "recent_facial_surgery", "isotretinoin_recently_stopped"):
        finding = _rule(code)
        assert finding.severity is Severity.RELATIVE
        assert "A clinician decides." in finding.message


def test_the_request_carries_the_new_inputs_and_refuses_bad_ones() -> None:
    data = full_request()
    data["patient"].update(
        prior_treatment_zones=["chin"],
        weeks_since_laser=3,
        weeks_since_facial_surgery=None,
        weeks_since_isotretinoin=40,
    )
    patient = parse_request(data, KB).patient
    assert (
        patient.prior_treatment_zones,
        patient.weeks_since_laser,
        patient.weeks_since_facial_surgery,
        patient.weeks_since_isotretinoin,
    ) == (("chin",), 3, None, 40)
