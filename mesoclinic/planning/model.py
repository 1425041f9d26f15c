"""Values that go into and come out of the planning engine.

Everything here is a frozen dataclass or a ``StrEnum``: the engine never mutates its input and a
plan, once made, cannot change under the caller. Collections are tuples so that values hash and
compare by content. The JSON shapes of the planning contract (docs/architecture.md) are produced
by ``planning.render``; this module knows nothing of JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class NeedleFear(StrEnum):
    NONE = "none"
    MILD = "mild"
    SEVERE = "severe"


class Verdict(StrEnum):
    SUITABLE = "suitable"
    SUITABLE_WITH_CAUTIONS = "suitable_with_cautions"
    CONSULT_REQUIRED = "consult_required"
    NOT_SUITABLE = "not_suitable"


class Severity(StrEnum):
    """How strongly a finding weighs; ordered from the strongest."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"
    CAUTION = "caution"
    INFO = "info"


class Evidence(StrEnum):
    """Evidence levels, strongest first (the order ranks alternatives)."""

    SR = "SR"
    RCT = "RCT"
    LABEL = "label"
    CT = "CT"
    COHORT = "cohort"
    CASE_REPORT = "case_report"
    EXPERT_OPINION = "expert_opinion"
    NONE = "none"


class Effect(StrEnum):
    """What the evidence found for an option, most favourable first (the order ranks alternatives).

    ``improved``: a benefit shown (against control, sham or baseline); ``comparable``: no
    difference from an active treatment; ``not_significant``: no significant benefit against
    control; ``not_established``: no clinical trial found.
    """

    IMPROVED = "improved"
    COMPARABLE = "comparable"
    NOT_SIGNIFICANT = "not_significant"
    NOT_ESTABLISHED = "not_established"


class Layer(StrEnum):
    SUPERFICIAL_DERMIS = "superficial_dermis"
    MID_DERMIS = "mid_dermis"
    SUBCUTANEOUS = "subcutaneous"


class Technique(StrEnum):
    MICRODROPLET = "microdroplet"
    PAPULE = "papule"
    NAPPAGE = "nappage"
    POINT_BY_POINT = "point_by_point"
    LINEAR_RETROGRADE = "linear_retrograde"
    SUBCUTANEOUS_GRID = "subcutaneous_grid"


class Region(StrEnum):
    FACE = "face"
    SCALP = "scalp"
    NECK_CHEST = "neck_chest"
    HANDS = "hands"
    BODY = "body"


class SubstanceRole(StrEnum):
    ACTIVE = "active"
    ANAESTHETIC = "anaesthetic"


# --- request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patient:
    """The patient facts the engine screens on. Codes are already validated."""

    age: int
    sex: Sex | None = None
    weight_kg: float | None = None
    pregnant: bool = False
    breastfeeding: bool = False
    childbearing_potential: bool | None = None
    conditions: tuple[str, ...] = ()
    active_skin_infection_zones: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    needle_fear: NeedleFear = NeedleFear.NONE
    prior_treatment_zones: tuple[str, ...] = ()  # prior surgery or treatment in the area
    weeks_since_laser: int | None = None  # None: no laser treatment recorded
    weeks_since_facial_surgery: int | None = None
    weeks_since_isotretinoin: int | None = None  # since it was stopped; None: never taken

    def weeks_since(self, event: str) -> int | None:
        """Weeks since a recorded ``event`` (``laser``, ``facial_surgery``, ``isotretinoin``)."""
        return {
            "laser": self.weeks_since_laser,
            "facial_surgery": self.weeks_since_facial_surgery,
            "isotretinoin": self.weeks_since_isotretinoin,
        }[event]

    @property
    def may_become_pregnant(self) -> bool:
        """Childbearing potential, defaulting to the safe answer when it was not stated.

        Unstated means "yes" for anyone not recorded as male, so that substances contraindicated
        in pregnancy are withheld until a clinician records otherwise.
        """
        if self.childbearing_potential is not None:
            return self.childbearing_potential
        return self.sex is not Sex.MALE


@dataclass(frozen=True)
class ConcernRequest:
    concern: str
    zones: tuple[str, ...]


@dataclass(frozen=True)
class PlanRequest:
    patient: Patient
    requests: tuple[ConcernRequest, ...]
    start_date: dt.date | None = None


# --- plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    zones: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Declined:
    concern: str
    zones: tuple[str, ...]
    reason: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alternative:
    code: str
    name: str
    needle_free: bool
    for_concerns: tuple[str, ...]
    evidence: Evidence
    note: str
    sources: tuple[str, ...]
    prescription_only: bool = False
    effect: Effect = Effect.NOT_ESTABLISHED


@dataclass(frozen=True)
class Depth:
    """Target depth below the skin surface, in millimetres, with its plausible range."""

    target: float
    min: float
    max: float


@dataclass(frozen=True)
class Needle:
    gauge: int | None
    length_mm: float | None


@dataclass(frozen=True)
class PlannedSubstance:
    code: str
    name: str
    concentration: str | None
    role: SubstanceRole
    prescription_only: bool
    evidence: Evidence
    evidence_note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """One zone treated for one or more concerns with one protocol.

    ``points`` and ``volume_ml`` are None where the knowledge base has no sourced point count for
    the zone; ``notes`` then says the clinician sets them.
    """

    zone: str
    concerns: tuple[str, ...]
    protocol: str
    layer: Layer
    depth_mm: Depth | None
    insertion_mm: float | None
    """Length of needle to insert to reach ``depth_mm.target``; None where not established."""
    depth_note: str
    angle_deg: int | None
    needle: Needle
    technique: Technique
    substances: tuple[PlannedSubstance, ...]
    volume_per_point_ml: float | None
    spacing_mm: float | None
    points: int | None
    volume_ml: float | None
    notes: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Maintenance:
    review_after_weeks: int | None
    evidence: Evidence
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Course:
    protocol: str
    concerns: tuple[str, ...]
    zones: tuple[str, ...]
    sessions: int | None
    interval_days: int | None
    maintenance: Maintenance
    note: str
    sources: tuple[str, ...]
    session_days: tuple[int, ...] = ()
    """Days from the first session on which the sessions fall, where a source fixes them."""


@dataclass(frozen=True)
class Visit:
    """One day of treatment. ``date`` is None when the request gave no start date."""

    day: int
    date: dt.date | None
    zones: tuple[str, ...]
    volume_ml: float | None
    lidocaine_mg: float | None
    lidocaine_max_mg: float | None
    lidocaine_max_ml: float | None = None
    """The ceiling as mL of the anaesthetic at its strength; None without lidocaine or weight."""


@dataclass(frozen=True)
class Plan:
    knowledge_version: str
    verdict: Verdict
    findings: tuple[Finding, ...]
    declined: tuple[Declined, ...]
    alternatives: tuple[Alternative, ...]
    areas: tuple[Area, ...]
    courses: tuple[Course, ...]
    visits: tuple[Visit, ...]
    sources: tuple[str, ...] = field(default=())
    """Every source id used anywhere in the plan, sorted; ``render`` attaches the citations."""
