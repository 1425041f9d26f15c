"""Whole plans for representative patients.

Each persona is asserted twice: a hand-checked summary (verdict, findings, declined, areas with
depth and volume, courses, visits, alternatives) whose figures were computed by hand from the
knowledge base, and the complete plan against a golden file in ``golden/``. After a deliberate
change to the knowledge or the engine, regenerate the golden files with
``MESOCLINIC_UPDATE_GOLDEN=1 ./test mesoclinic/planning`` and review the diff like code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import (
    ConcernRequest as C,
)
from mesoclinic.planning.model import (
    NeedleFear,
    Patient,
    Plan,
    PlanRequest,
    Sex,
)
from mesoclinic.planning.sources import cited
from mesoclinic.planning.tests.doubles import KB_WITH_VOLUMES

KB = default_knowledge()
GOLDEN = Path(__file__).parent / "golden"
START = dt.date(2027, 1, 11)


def _summary(plan: Plan) -> dict[str, Any]:
    return {
        "verdict": plan.verdict.value,
        "findings": [(f.code, f.severity.value, f.zones) for f in plan.findings],
        "declined": [(d.concern, d.zones) for d in plan.declined],
        "areas": [
            (
                a.zone,
                a.protocol,
                tuple(s.code for s in a.substances),
                a.depth_mm and (a.depth_mm.target, a.depth_mm.min, a.depth_mm.max),
                a.points,
                a.volume_ml,
            )
            for a in plan.areas
        ],
        "courses": [
            (c.protocol, c.zones, c.sessions, c.interval_days, c.maintenance.review_after_weeks)
            for c in plan.courses
        ],
        "visits": [
            (v.day, v.zones, v.volume_ml, v.lidocaine_mg, v.lidocaine_max_mg) for v in plan.visits
        ],
        "alternatives": [a.code for a in plan.alternatives],
    }


def _scalp_visits(lidocaine: float | None, cap: float) -> list[tuple[Any, ...]]:
    return [(day, ("scalp",), None, lidocaine, cap) for day in range(0, 99, 14)]


CASES: list[tuple[str, Patient, tuple[C, ...], Knowledge, dict[str, Any]]] = [
    (
        "healthy_man_cheeks",
        Patient(age=35, sex=Sex.MALE, weight_kg=70),
        (C("skin_quality", ("cheeks",)),),
        KB,
        {
            "verdict": "suitable",
            "findings": [],
            "declined": [],
            # Male zygoma: 0.19 + 1.14/2 = 0.76; range 0.19 + (1.14 -/+ 0.21)/2. 100 x 0.02 mL.
            "areas": [
                (
                    "cheeks",
                    "skin_quality.face",
                    ("hyaluronic_acid_non_crosslinked",),
                    (0.76, 0.66, 0.86),
                    100,
                    2.0,
                )
            ],
            "courses": [("skin_quality.face", ("cheeks",), 3, 28, 12)],
            "visits": [(d, ("cheeks",), 2.0, 0.0, 300.0) for d in (0, 28, 56)],
            "alternatives": [
                "led_photobiomodulation",
                "needle_free_jet_injector",
                "electroporation",
            ],
        },
    ),
    (
        "under_18_turned_away",
        Patient(age=16, sex=Sex.FEMALE),
        (C("skin_quality", ("cheeks", "forehead")),),
        KB,
        {
            "verdict": "not_suitable",
            "findings": [("under_18", "absolute", ()), ("no_safe_alternative", "info", ())],
            "declined": [("skin_quality", ("cheeks", "forehead"))],
            "areas": [],
            "courses": [],
            "visits": [],
            "alternatives": [],
        },
    ),
    (
        "detox_declined",
        Patient(age=30),
        (C("detox", ("abdomen",)),),
        KB,
        {
            "verdict": "not_suitable",
            "findings": [],
            "declined": [("detox", ("abdomen",))],
            "areas": [],
            "courses": [],
            "visits": [],
            "alternatives": [],
        },
    ),
    (
        "man_hair_loss",
        Patient(age=50, sex=Sex.MALE, weight_kg=80),
        (C("hair_loss", ("scalp",)),),
        KB,
        {
            "verdict": "suitable_with_cautions",
            "findings": [("lidocaine_dose_unchecked", "caution", ("scalp",))],
            "declined": [],
            "areas": [
                (
                    "scalp",
                    "hair_loss.scalp.dutasteride",
                    ("dutasteride", "lidocaine"),
                    None,
                    None,
                    None,
                )
            ],
            # Dutasteride's own course: 7 sessions at the pilot RCT's weeks 0, 1, 2, 3, 5, 7 and
            # 11 [R51]; its maintenance review is its own (every 3 months [R54]).
            "courses": [("hair_loss.scalp.dutasteride", ("scalp",), 7, None, 12)],
            # 4.5 mg/kg x 80 kg = 360 mg, above the 300 mg absolute cap.
            "visits": [(7 * w, ("scalp",), None, None, 300.0) for w in (0, 1, 2, 3, 5, 7, 11)],
            "alternatives": ["low_level_laser_hair", "topical_minoxidil"],
        },
    ),
    (
        "woman_hair_loss_childbearing_unstated",
        Patient(age=30, sex=Sex.FEMALE, weight_kg=60),
        (C("hair_loss", ("scalp",)),),
        KB,
        {
            "verdict": "suitable_with_cautions",
            "findings": [
                ("dutasteride_contraindicated", "caution", ("scalp",)),
                ("lidocaine_dose_unchecked", "caution", ("scalp",)),
            ],
            "declined": [],
            # Minoxidil's own protocol and course; it does not inherit dutasteride's review.
            "areas": [
                ("scalp", "hair_loss.scalp.minoxidil", ("minoxidil", "lidocaine"), None, None, None)
            ],
            "courses": [("hair_loss.scalp.minoxidil", ("scalp",), 8, 14, None)],
            "visits": _scalp_visits(None, 270.0),
            "alternatives": ["low_level_laser_hair", "topical_minoxidil"],
        },
    ),
    (
        "submental_fat_and_abdomen",
        Patient(age=45, sex=Sex.FEMALE, weight_kg=60),
        (C("localised_fat", ("submental", "abdomen")),),
        KB,
        {
            "verdict": "suitable",
            "findings": [],
            "declined": [("localised_fat", ("abdomen",))],
            # Label: 50 x 0.2 mL = 10 mL, subcutaneous, no dermal depth.
            "areas": [
                ("submental", "localised_fat.submental", ("deoxycholic_acid",), None, 50, 10.0)
            ],
            "courses": [("localised_fat.submental", ("submental",), 4, 31, 52)],
            "visits": [(d, ("submental",), 10.0, 0.0, 270.0) for d in (0, 31, 62, 93)],
            "alternatives": ["shockwave_radiofrequency"],
        },
    ),
    (
        "severe_needle_fear_pigmentation",
        Patient(age=40, sex=Sex.FEMALE, weight_kg=60, needle_fear=NeedleFear.SEVERE),
        (C("pigmentation", ("cheeks",)),),
        KB,
        {
            "verdict": "consult_required",
            "findings": [
                ("needle_fear_severe", "relative", ()),
                ("lidocaine_dose_unchecked", "caution", ("cheeks",)),
            ],
            "declined": [],
            # Female zygoma: 0.20 + 0.87/2 = 0.635; range 0.20 + (0.87 -/+ 0.35)/2.
            "areas": [
                (
                    "cheeks",
                    "pigmentation.face",
                    ("tranexamic_acid", "lidocaine"),
                    (0.64, 0.46, 0.81),
                    None,
                    None,
                )
            ],
            "courses": [("pigmentation.face", ("cheeks",), 3, 28, 12)],
            "visits": [(d, ("cheeks",), None, None, 270.0) for d in (0, 28, 56)],
            # Needle-free first for a fearful patient; then by effect and evidence, and a
            # non-significant meta-analysis (topical TXA) after positive trials.
            "alternatives": [
                "topical_vitamin_c",
                "oral_tranexamic_acid",
                "chemical_peels",
                "vitamin_c_iontophoresis",
                "topical_tranexamic_acid",
                "electroporation",
                "microneedling",
                "vibration_analgesia",
            ],
        },
    ),
    (
        "thromboembolism_withholds_txa",
        Patient(age=40, sex=Sex.FEMALE, weight_kg=60, conditions=("thromboembolism_history",)),
        (C("pigmentation", ("cheeks",)),),
        KB,
        {
            "verdict": "consult_required",
            "findings": [
                ("thromboembolism_txa", "relative", ()),
                ("lidocaine_dose_unchecked", "caution", ("cheeks",)),
                ("oral_tranexamic_acid_not_offered", "info", ()),
                ("topical_tranexamic_acid_not_offered", "info", ()),
            ],
            "declined": [],
            "areas": [
                (
                    "cheeks",
                    "pigmentation.face.vitamin_c",
                    ("vitamin_c", "lidocaine"),
                    (0.64, 0.46, 0.81),
                    None,
                    None,
                )
            ],
            # Vitamin C's own course: its session count is not established [R46], so only the
            # first visit is dated; its review follows its own trial (6 months).
            "courses": [("pigmentation.face.vitamin_c", ("cheeks",), None, 14, 24)],
            "visits": [(0, ("cheeks",), None, None, 270.0)],
            # TXA withheld: no route of it is offered.
            "alternatives": [
                "topical_vitamin_c",
                "microneedling",
                "chemical_peels",
                "vitamin_c_iontophoresis",
                "electroporation",
            ],
        },
    ),
    (
        "sex_other_spans_both",
        Patient(age=40, sex=Sex.OTHER),
        (C("skin_quality", ("forehead",)),),
        KB,
        {
            "verdict": "suitable",
            "findings": [],
            "declined": [],
            # Target: mean of 0.63 (F) and 0.805 (M); range from F low 0.55 to M high 0.945.
            "areas": [
                (
                    "forehead",
                    "skin_quality.face",
                    ("hyaluronic_acid_non_crosslinked",),
                    (0.72, 0.55, 0.94),
                    None,
                    None,
                )
            ],
            "courses": [("skin_quality.face", ("forehead",), 3, 28, 12)],
            "visits": [(d, ("forehead",), None, 0.0, None) for d in (0, 28, 56)],
            "alternatives": [
                "led_photobiomodulation",
                "needle_free_jet_injector",
                "electroporation",
            ],
        },
    ),
    (
        "lidocaine_fitted_under_the_cap",
        Patient(age=40, sex=Sex.MALE, weight_kg=60, allergies=("dutasteride",)),
        (C("hair_loss", ("scalp",)), C("pigmentation", ("cheeks", "forehead"))),
        KB_WITH_VOLUMES,
        {
            # Cap 4.5 x 60 = 270 mg. Day 0 holds 3 x 20 mL x 10 mg/mL = 600 mg: lidocaine leaves
            # the forehead (first in zone order among equal volumes), then the cheeks: 200 mg.
            "verdict": "suitable_with_cautions",
            "findings": [
                ("allergy_dutasteride", "caution", ("scalp",)),
                ("lidocaine_reduced", "caution", ("forehead", "cheeks")),
            ],
            "declined": [],
            "areas": [
                ("scalp", "hair_loss.scalp.minoxidil", ("minoxidil", "lidocaine"), None, 400, 20.0),
                (
                    "cheeks",
                    "pigmentation.face",
                    ("tranexamic_acid",),
                    (0.76, 0.66, 0.86),
                    400,
                    20.0,
                ),
                (
                    "forehead",
                    "pigmentation.face",
                    ("tranexamic_acid",),
                    (0.8, 0.66, 0.94),
                    400,
                    20.0,
                ),
            ],
            "courses": [
                ("hair_loss.scalp.minoxidil", ("scalp",), 8, 14, None),
                ("pigmentation.face", ("cheeks", "forehead"), 3, 28, 12),
            ],
            "visits": [
                (
                    day,
                    ("forehead", "cheeks", "scalp") if day in (0, 28, 56) else ("scalp",),
                    60.0 if day in (0, 28, 56) else 20.0,
                    200.0,
                    270.0,
                )
                for day in range(0, 99, 14)
            ],
            "alternatives": [
                "topical_vitamin_c",
                "low_level_laser_hair",
                "oral_tranexamic_acid",
                "microneedling",
                "chemical_peels",
                "vitamin_c_iontophoresis",
                "topical_minoxidil",
                "topical_tranexamic_acid",
                "electroporation",
            ],
        },
    ),
]


def _golden_json(plan: Plan) -> str:
    return json.dumps(dataclasses.asdict(plan), default=str, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("name", "patient", "requests", "knowledge", "expected"), CASES)
def test_it_plans_representative_patients(
    name: str,
    patient: Patient,
    requests: tuple[C, ...],
    knowledge: Knowledge,
    expected: dict[str, Any],
) -> None:
    plan = make_plan(PlanRequest(patient, requests, START), knowledge)
    assert _summary(plan) == expected
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("MESOCLINIC_UPDATE_GOLDEN") == "1":
        golden.write_text(_golden_json(plan), encoding="utf-8")
    assert _golden_json(plan) == golden.read_text(encoding="utf-8")


def test_it_dates_nothing_without_a_start_date() -> None:
    plan = make_plan(
        PlanRequest(Patient(age=35, sex=Sex.MALE), (C("skin_quality", ("cheeks",)),)), KB
    )
    assert [(v.day, v.date) for v in plan.visits] == [(0, None), (28, None), (56, None)]


def test_it_treats_an_infected_zone_as_declined_and_plans_the_rest() -> None:
    patient = Patient(age=42, sex=Sex.FEMALE, weight_kg=61, active_skin_infection_zones=("cheeks",))
    plan = make_plan(PlanRequest(patient, (C("pigmentation", ("cheeks", "forehead")),), START), KB)
    assert [(f.code, f.severity.value, f.zones) for f in plan.findings] == [
        ("active_skin_infection", "absolute", ("cheeks",)),
        ("lidocaine_dose_unchecked", "caution", ("forehead",)),
    ]
    assert [(d.concern, d.zones) for d in plan.declined] == [("pigmentation", ("cheeks",))]
    assert [a.zone for a in plan.areas] == ["forehead"]
    assert plan.verdict.value == "suitable_with_cautions"


CLAIMS = [code for code, concern in KB.concerns.items() if concern.declined_reason]


def test_the_knowledge_base_declines_the_marketing_claims_of_the_fact_base() -> None:
    assert CLAIMS == [
        "detox",
        "flush_toxins",
        "improve_circulation",
        "non_surgical_facelift",
        "skin_whitening",
    ]


@pytest.mark.parametrize("claim", CLAIMS)
def test_it_declines_a_marketing_claim_in_every_zone_with_its_reason(claim: str) -> None:
    concern = KB.concerns[claim]
    zones = tuple(KB.zones)
    plan = make_plan(PlanRequest(Patient(age=40, sex=Sex.FEMALE), (C(claim, zones),), START), KB)
    assert plan.areas == ()
    assert plan.verdict.value == "not_suitable"
    assert [(d.concern, d.zones, d.reason, d.sources) for d in plan.declined] == [
        (claim, zones, concern.declined_reason, concern.sources)
    ]
    assert set(cited(concern.declined_reason)) <= set(concern.sources)
