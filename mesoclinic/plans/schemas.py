"""API shapes of plans: the planning contract's request and response, and stored plans.

The contract's schemas document ``POST /api/v1/plans/preview``; they do not validate it. The
request is validated by ``planning.request`` (so the API's problem lines are the CLI's), and the
response body is ``planning.render.plan_to_dict``'s output as is. The tests check that
``PlanSchema`` accepts that output and reproduces it key for key, so the documentation cannot
drift from it.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import (
    Effect,
    Evidence,
    Layer,
    Severity,
    SubstanceRole,
    Technique,
    Verdict,
)
from mesoclinic.planning.request import (
    MAX_AGE,
    MAX_REQUESTS,
    MAX_WEEKS,
    MAX_WEIGHT_KG,
    MIN_AGE,
    MIN_WEIGHT_KG,
)
from mesoclinic.plans.prescribing import prescription_only_substances


class _Strict(Schema):
    # Unknown keys are refused by the parser; "additionalProperties: false" says so.
    model_config = ConfigDict(extra="forbid")


def _codes(description: str) -> Any:
    return Field(default_factory=list, description=description, json_schema_extra=_UNIQUE)


_UNIQUE: dict[str, Any] = {"uniqueItems": True}


# --- request -------------------------------------------------------------------------------


class PatientSchema(_Strict):
    age: int = Field(ge=MIN_AGE, le=MAX_AGE, description="Years; under 18 is turned away.")
    sex: Literal["female", "male", "other"] | None = None
    weight_kg: float | None = Field(default=None, ge=MIN_WEIGHT_KG, le=MAX_WEIGHT_KG)
    pregnant: bool = False
    breastfeeding: bool = False
    childbearing_potential: bool | None = Field(default=None, description="null: not stated.")
    conditions: list[str] = _codes("Condition codes.")
    active_skin_infection_zones: list[str] = _codes("Zone codes with an active skin infection.")
    medications: list[str] = _codes("Medication codes.")
    allergies: list[str] = _codes("Substance or substance-class codes the patient is allergic to.")
    needle_fear: Literal["none", "mild", "severe"] = "none"
    prior_treatment_zones: list[str] = _codes("Zone codes with prior surgery or treatment.")
    weeks_since_laser: int | None = Field(default=None, ge=0, le=MAX_WEEKS)
    weeks_since_facial_surgery: int | None = Field(default=None, ge=0, le=MAX_WEEKS)
    weeks_since_isotretinoin: int | None = Field(
        default=None, ge=0, le=MAX_WEEKS, description="Since it was stopped; null: never taken."
    )


class ConcernRequestSchema(_Strict):
    concern: str = Field(description="Concern code; one request per concern.")
    zones: list[str] = Field(min_length=1, description="Zone codes.", json_schema_extra=_UNIQUE)


class PlanRequestSchema(_Strict):
    patient: PatientSchema
    requests: list[ConcernRequestSchema] = Field(min_length=1, max_length=MAX_REQUESTS)
    start_date: dt.date | None = Field(default=None, description="YYYY-MM-DD; null: no dates.")


# --- response ------------------------------------------------------------------------------


class FindingSchema(_Strict):
    code: str
    severity: Severity
    message: str
    zones: list[str]
    sources: list[str]


class DeclinedSchema(_Strict):
    concern: str
    zones: list[str]
    reason: str
    sources: list[str]


class AlternativeSchema(_Strict):
    code: str
    name: str
    needle_free: bool
    for_concerns: list[str]
    prescription_only: bool = Field(description="A prescription-only medicine: not named publicly.")
    evidence: Evidence
    effect: Effect = Field(description="What the evidence found; the list is ranked by it.")
    note: str
    sources: list[str]


class DepthSchema(_Strict):
    target: float
    min: float
    max: float


class NeedleSchema(_Strict):
    gauge: int | None
    length_mm: float | None


class PlannedSubstanceSchema(_Strict):
    code: str
    name: str
    concentration: str | None
    role: SubstanceRole
    prescription_only: bool = Field(description="A prescription-only medicine: needs a prescriber.")
    evidence: Evidence
    evidence_note: str
    sources: list[str]


class AreaSchema(_Strict):
    zone: str
    concerns: list[str]
    protocol: str
    layer: Layer
    depth_mm: DepthSchema | None = Field(description="null: no measured thickness; see note.")
    insertion_mm: float | None = Field(
        description="Needle length to insert to reach the target depth; null: not established."
    )
    depth_note: str
    angle_deg: int | None
    needle: NeedleSchema
    technique: Technique
    substances: list[PlannedSubstanceSchema]
    volume_per_point_ml: float | None
    spacing_mm: float | None
    points: int | None
    volume_ml: float | None
    notes: list[str]
    sources: list[str]


class MaintenanceSchema(_Strict):
    review_after_weeks: int | None
    evidence: Evidence
    note: str
    sources: list[str]


class CourseSchema(_Strict):
    protocol: str
    concerns: list[str]
    zones: list[str]
    sessions: int | None
    interval_days: int | None
    session_days: list[int] = Field(
        description="Days from the first session where a source fixes them; empty otherwise."
    )
    maintenance: MaintenanceSchema
    note: str
    sources: list[str]


class VisitSchema(_Strict):
    day: int
    date: dt.date | None
    zones: list[str]
    volume_ml: float | None
    lidocaine_mg: float | None
    lidocaine_max_mg: float | None
    lidocaine_max_ml: float | None = Field(
        description="The ceiling as mL of the anaesthetic at its strength (1%: 10 mg/mL)."
    )


class SourceSchema(_Strict):
    citation: str
    url: str = Field(description="Empty where no open record was found.")
    quality: Literal[
        "peer_reviewed", "label", "consensus", "regulator", "secondary", "low", "vendor"
    ]


class PlanSchema(_Strict):
    knowledge_version: str
    verdict: Verdict
    findings: list[FindingSchema]
    declined: list[DeclinedSchema]
    alternatives: list[AlternativeSchema]
    areas: list[AreaSchema]
    courses: list[CourseSchema]
    visits: list[VisitSchema]
    sources: dict[str, SourceSchema] = Field(description="Every source id the plan cites.")


class ProblemSchema(_Strict):
    """The API's error envelope (``error``, ``fields``) with the CLI's problem lines."""

    error: str
    fields: dict[str, list[str]] = Field(
        description="Each field path (``request`` for the whole body) to its problem lines."
    )
    problems: list[str] = Field(description="One line per problem: field path, value, hint.")


# --- the request body for openapi_extra ----------------------------------------------------

EXAMPLE_REQUEST: dict[str, Any] = {
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


def request_body(knowledge: Knowledge) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of the preview, with the knowledge base's codes as enums.

    The schema is inlined (no ``$ref``): ninja publishes only the components of the models it
    validates itself, and this body is parsed by ``planning.request`` instead.
    """
    schema = _inline(PlanRequestSchema.model_json_schema())
    patient = schema["properties"]["patient"]["properties"]
    concern_request = schema["properties"]["requests"]["items"]["properties"]
    # In the knowledge base's order, which is the contract's.
    zones = list(knowledge.zones)
    patient["conditions"]["items"]["enum"] = list(knowledge.conditions)
    patient["medications"]["items"]["enum"] = list(knowledge.medications)
    patient["allergies"]["items"]["enum"] = list(knowledge.allergy_codes())
    patient["active_skin_infection_zones"]["items"]["enum"] = zones
    patient["prior_treatment_zones"]["items"]["enum"] = zones
    concern_request["zones"]["items"]["enum"] = zones
    concern_request["concern"]["enum"] = list(knowledge.concerns)
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "example": EXAMPLE_REQUEST}},
    }


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every ``#/$defs/...`` reference replaced by its definition (no cycles)."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = copy.deepcopy(definitions[ref.removeprefix("#/$defs/")])
                rest = {key: value for key, value in node.items() if key != "$ref"}
                return resolve({**target, **rest})
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    result: dict[str, Any] = resolve(schema)
    return result


# --- stored plans (``/api/v1/consultations/{id}/plans``) ----------------------------------


class PlanGenerateIn(_Strict):
    start_date: dt.date | None = Field(
        default=None, description="First visit; omitted: the day after the consultation."
    )


class PlanEditIn(_Strict):
    path: str = Field(
        max_length=120,
        description="e.g. areas[0].points, courses[0].sessions",
        examples=["areas[0].points"],
    )
    value: Any = Field(description="The new value: a number, text, a date or a depth object.")
    reason: str = Field(max_length=2_000, description="Why; required, not blank.")


class PlanEditOut(Schema):
    id: int
    plan_id: int
    path: str
    old_value: Any
    new_value: Any
    reason: str
    edited_by_id: int
    edited_at: dt.datetime


class StoredPlanOut(Schema):
    id: int
    consultation_id: int
    created_at: dt.datetime
    created_by_id: int
    knowledge_version: str
    request: dict[str, Any]
    engine_output: dict[str, Any] = Field(description="The engine's plan, never changed.")
    current: dict[str, Any] = Field(description="The engine's plan with the edits applied.")
    status: Literal["ready", "awaiting_prescriber", "signed"] = Field(
        description=(
            "ready: no prescription-only medicine; awaiting_prescriber: a prescriber must sign "
            "it before it is used or the consultation completed; signed."
        )
    )
    prescription_only: list[str] = Field(
        description="Codes of the plan's prescription-only substances."
    )
    signed_by_id: int | None
    signed_at: dt.datetime | None
    signer_registration: str = Field(description="The prescriber's registration number.")
    edits: list[PlanEditOut]

    @staticmethod
    def resolve_prescription_only(plan: Any) -> list[str]:
        return prescription_only_substances(plan.current, default_knowledge())
