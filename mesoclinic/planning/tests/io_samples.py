"""Hand-built values for the request, render and CLI tests.

The knowledge base here carries the contract's codes (zones, concerns, conditions, medications)
and a few substance codes, so that parsing and rendering can be tested without the data files.
Its citations and the plan's numbers are test data, not clinical facts: nothing here may be read
as a recommendation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mesoclinic.planning.knowledge_model import (
    AllergyClass,
    Concern,
    Knowledge,
    Source,
    Substance,
    Zone,
)
from mesoclinic.planning.model import (
    Alternative,
    Area,
    Course,
    Declined,
    Depth,
    Evidence,
    Finding,
    Layer,
    Maintenance,
    Needle,
    Plan,
    PlannedSubstance,
    Region,
    Severity,
    SubstanceRole,
    Technique,
    Verdict,
    Visit,
)

ZONES = (
    "forehead",
    "glabella",
    "temples",
    "periorbital_lateral",
    "infraorbital",
    "eyelids",
    "nose",
    "cheeks",
    "nasolabial",
    "perioral",
    "chin",
    "jawline",
    "submental",
    "neck",
    "decolletage",
    "hands",
    "scalp",
    "abdomen",
    "flanks",
    "thighs",
    "buttocks",
    "upper_arms",
)
CONCERNS = (
    "skin_quality",
    "fine_lines",
    "laxity",
    "pigmentation",
    "dark_circles",
    "acne_scarring",
    "hair_loss",
    "localised_fat",
    "cellulite",
    "detox",
)
CONDITIONS = (
    "autoimmune_disease",
    "bleeding_disorder",
    "keloid_history",
    "immunosuppressed",
    "diabetes",
    "active_cancer",
    "herpes_simplex_history",
    "thromboembolism_history",
)
MEDICATIONS = (
    "anticoagulant",
    "antiplatelet",
    "isotretinoin",
    "immunosuppressant",
    "hormonal_contraceptive",
)
SUBSTANCES = (
    "lidocaine",
    "tranexamic_acid",
    "minoxidil",
    "glutathione",
    "hyaluronic_acid_non_crosslinked",
    "hyaluronidase",
)
SOURCE_IDS = ("T1", "T2", "T3")


def _name(code: str) -> str:
    return code.replace("_", " ").capitalize()


def knowledge() -> Knowledge:
    """A small knowledge base with the contract's codes and three test sources."""
    return Knowledge(
        version="test+sha256:000000000000",
        sources={
            sid: Source(
                id=sid,
                citation=f"Test citation {sid}",
                url=f"https://example.org/{sid}",
                quality="peer_reviewed",
            )
            for sid in SOURCE_IDS
        },
        zones={
            code: Zone(
                code=code,
                name=_name(code),
                region=Region.FACE,
                diagram="face_front",
                female=None,
                male=None,
                note="",
                sources=(),
            )
            for code in ZONES
        },
        concerns={
            code: Concern(code=code, name=_name(code), declined_reason="", sources=())
            for code in CONCERNS
        },
        substances={
            code: Substance(
                code=code,
                name=_name(code),
                role=SubstanceRole.ANAESTHETIC if code == "lidocaine" else SubstanceRole.ACTIVE,
                concentration=None,
                concentration_note="",
                evidence=Evidence.RCT,
                evidence_note="",
                sources=("T1",),
                prescription_only=False,
                allowed_zones=None,
                excluded_if=(),
                exclusion_reason="",
                exclusion_sources=(),
                mg_per_ml=None,
                declined_reason="",
            )
            for code in SUBSTANCES
        },
        protocols=(),
        rules=(),
        declined_uses=(),
        alternatives=(),
        conditions=CONDITIONS,
        medications=MEDICATIONS,
        allergy_classes={
            "hyaluronic_acid": AllergyClass(
                "hyaluronic_acid", "Hyaluronic acid, any form", ("hyaluronic_acid_non_crosslinked",)
            )
        },
    )


def full_request() -> dict[str, Any]:
    """A request that sets every field of the contract (a fresh copy on each call)."""
    return {
        "patient": {
            "age": 42,
            "sex": "female",
            "weight_kg": 61,
            "pregnant": False,
            "breastfeeding": False,
            "childbearing_potential": True,
            "conditions": ["autoimmune_disease"],
            "active_skin_infection_zones": ["cheeks"],
            "medications": ["anticoagulant"],
            "allergies": ["lidocaine"],
            "needle_fear": "none",
        },
        "requests": [
            {"concern": "pigmentation", "zones": ["cheeks", "forehead"]},
            {"concern": "hair_loss", "zones": ["scalp"]},
        ],
        "start_date": "2027-01-11",
    }


def plan() -> Plan:
    """A plan with every kind of entry, one area with a depth and one without."""
    return Plan(
        knowledge_version="test+sha256:000000000000",
        verdict=Verdict.SUITABLE_WITH_CAUTIONS,
        findings=(
            Finding(
                code="anticoagulant",
                severity=Severity.CAUTION,
                message="Bruising is more likely.",
                zones=("cheeks",),
                sources=("T1",),
            ),
        ),
        declined=(
            Declined(
                concern="detox",
                zones=("abdomen",),
                reason="No evidence supports it.",
                sources=("T2",),
            ),
        ),
        alternatives=(
            Alternative(
                code="topical_cream",
                name="Topical cream",
                needle_free=True,
                for_concerns=("pigmentation",),
                evidence=Evidence.RCT,
                note="Applied at home.",
                sources=("T3",),
                prescription_only=False,
            ),
        ),
        areas=(
            Area(
                zone="cheeks",
                concerns=("pigmentation",),
                protocol="pigmentation.face",
                layer=Layer.MID_DERMIS,
                depth_mm=Depth(target=0.64, min=0.45, max=0.85),
                insertion_mm=1.28,
                depth_note="Half the measured dermis below the epidermis.",
                angle_deg=30,
                needle=Needle(gauge=32, length_mm=4.0),
                technique=Technique.MICRODROPLET,
                substances=(
                    PlannedSubstance(
                        code="tranexamic_acid",
                        name="Tranexamic acid",
                        concentration="4 mg/mL",
                        role=SubstanceRole.ACTIVE,
                        prescription_only=True,
                        evidence=Evidence.RCT,
                        evidence_note="Trials disagree.",
                        sources=("T1",),
                    ),
                ),
                volume_per_point_ml=0.05,
                spacing_mm=10.0,
                points=20,
                volume_ml=1.0,
                notes=("Avoid the infected patch.",),
                sources=("T1",),
            ),
            Area(
                zone="scalp",
                concerns=("hair_loss",),
                protocol="hair_loss.scalp",
                layer=Layer.SUPERFICIAL_DERMIS,
                depth_mm=None,
                insertion_mm=None,
                depth_note="No measured thickness for this zone: measure or choose.",
                angle_deg=None,
                needle=Needle(gauge=None, length_mm=None),
                technique=Technique.NAPPAGE,
                substances=(),
                volume_per_point_ml=None,
                spacing_mm=None,
                points=None,
                volume_ml=None,
                notes=(),
                sources=("T2",),
            ),
        ),
        courses=(
            Course(
                protocol="pigmentation.face",
                concerns=("pigmentation",),
                zones=("cheeks",),
                sessions=3,
                interval_days=28,
                maintenance=Maintenance(
                    review_after_weeks=12,
                    evidence=Evidence.EXPERT_OPINION,
                    note="Review the result.",
                    sources=("T2",),
                ),
                note="Sessions four weeks apart.",
                sources=("T1",),
            ),
        ),
        visits=(
            Visit(
                day=1,
                date=dt.date(2027, 1, 11),
                zones=("cheeks", "scalp"),
                volume_ml=1.0,
                lidocaine_mg=0.0,
                lidocaine_max_mg=300.0,
            ),
            Visit(
                day=29,
                date=None,
                zones=("cheeks",),
                volume_ml=None,
                lidocaine_mg=None,
                lidocaine_max_mg=None,
            ),
        ),
        sources=("T1", "T2", "T3"),
    )
