"""The knowledge base as values: what the TOML files in ``planning/data`` load into.

Invariant of this module: every clinical number is a ``Sourced`` (a value with at least one
source id) or a ``Gap`` (no value, and a note saying why). There is no third way to hold a
number, so the engine cannot use a figure that nobody can trace. ``planning.knowledge`` builds
these values and refuses files that break the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from mesoclinic.planning.model import (
    Effect,
    Evidence,
    Layer,
    Region,
    Severity,
    SubstanceRole,
    Technique,
)


@dataclass(frozen=True)
class Sourced:
    """A clinical number and the ids of the sources that give it."""

    value: float
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Gap:
    """A number the fact base does not establish; ``note`` says so in words a clinician reads."""

    note: str
    sources: tuple[str, ...] = ()


Quantity = Sourced | Gap


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    url: str
    quality: str  # peer_reviewed, label, consensus, regulator, secondary, low or vendor


@dataclass(frozen=True)
class Measure:
    mean: float
    sd: float


@dataclass(frozen=True)
class Thickness:
    """In-vivo thickness of one zone for one sex, in millimetres."""

    epidermis: Measure
    dermis: Measure
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    region: Region
    diagram: str  # "face_front", "scalp_top", "body_front", "body_back"
    female: Thickness | None
    male: Thickness | None
    note: str  # for zones without measurements: the GAP, and what is known instead
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Concern:
    code: str
    name: str
    declined_reason: str  # non-empty: the concern is always declined with this reason
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Substance:
    code: str
    name: str
    role: SubstanceRole
    concentration: str | None  # human-readable, e.g. "4 mg/mL or 100 mg/mL"
    concentration_note: str
    evidence: Evidence
    evidence_note: str
    sources: tuple[str, ...]
    prescription_only: bool
    allowed_zones: tuple[str, ...] | None  # None: no label restriction by zone
    # Patient states that exclude the substance: "pregnant", "breastfeeding", "may_become_pregnant".
    excluded_if: tuple[str, ...]
    exclusion_reason: str
    exclusion_sources: tuple[str, ...]
    mg_per_ml: Sourced | None  # set for anaesthetics whose dose is capped
    declined_reason: str  # non-empty: a claim with no evidence, never planned
    max_mg_per_kg: Sourced | None = None  # dose cap per kg of body weight, per visit
    max_mg: Sourced | None = None  # absolute dose cap per visit


@dataclass(frozen=True)
class Protocol:
    """How one concern is treated in a set of zones.

    ``points`` maps zone code to a sourced point count; zones absent from it have no sourced
    count, and the plan leaves points and volume to the clinician.
    """

    code: str
    concern: str
    zones: tuple[str, ...]
    layer: Layer
    technique: Technique
    angle_deg: Quantity
    needle_gauge: Quantity
    needle_length_mm: Quantity
    volume_per_point_ml: Quantity
    spacing_mm: Quantity
    points: Mapping[str, Sourced]
    substances: tuple[str, ...]  # actives in order of preference, then anaesthetics
    sessions: Quantity
    interval_days: Quantity
    review_after_weeks: Quantity
    maintenance_evidence: Evidence
    maintenance_note: str
    note: str
    sources: tuple[str, ...]
    # Sessions at fixed weeks from the first (a trial's irregular schedule), with their sources;
    # None: sessions fall every ``interval_days``.
    session_weeks: tuple[int, ...] | None = None
    session_weeks_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A screening rule: when ``trigger`` holds for the patient, emit a finding.

    ``trigger`` is one of: ``condition:<code>``, ``medication:<code>``, ``pregnant``,
    ``breastfeeding``, ``age_under:<years>``, ``needle_fear:<level>``, ``weight_unknown``,
    ``infection_zone``, ``prior_treatment_zone`` (both report the zones concerned) and
    ``recent:<event>:<weeks>`` (the event, laser, facial surgery or stopping isotretinoin, was
    fewer than ``weeks`` weeks ago).
    ``applies_to_substances`` narrows a rule to plans that contain one of
    those substances (and withholds them when ``withhold`` is true).
    """

    code: str
    trigger: str
    severity: Severity
    message: str
    sources: tuple[str, ...]
    applies_to_substances: tuple[str, ...]
    withhold: bool
    # Alternatives a withholding rule still allows (its sources show that route is safe).
    alternatives_allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclinedUse:
    """A concern in some zones that the knowledge base declines, with the reason."""

    concern: str
    zones: tuple[str, ...]
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AlternativeOption:
    code: str
    name: str
    needle_free: bool
    for_concerns: tuple[str, ...]
    for_needle_fear: bool  # an adjunct offered to anyone who fears needles, whatever the concern
    evidence: Evidence
    note: str
    sources: tuple[str, ...]
    prescription_only: bool
    effect: Effect = Effect.NOT_ESTABLISHED
    delivers: tuple[str, ...] = ()  # substances the option gives the patient, by whatever route
    systemic: bool = False  # the route reaches the whole body (oral), not only the skin


@dataclass(frozen=True)
class AllergyClass:
    """An allergy code for a class of substances (e.g. amide local anaesthetics)."""

    code: str
    name: str
    members: tuple[str, ...]  # substance codes


@dataclass(frozen=True)
class Knowledge:
    """The whole knowledge base. Lookups are by code; tuples keep file order."""

    version: str
    sources: Mapping[str, Source]
    zones: Mapping[str, Zone]
    concerns: Mapping[str, Concern]
    substances: Mapping[str, Substance]
    protocols: tuple[Protocol, ...]
    rules: tuple[Rule, ...]
    declined_uses: tuple[DeclinedUse, ...]
    alternatives: tuple[AlternativeOption, ...]
    conditions: tuple[str, ...]
    medications: tuple[str, ...]
    allergy_classes: Mapping[str, AllergyClass] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def allergy_codes(self) -> tuple[str, ...]:
        """Every code ``patient.allergies`` accepts: substances, then classes."""
        return (*self.substances, *self.allergy_classes)

    def allergens(self, codes: tuple[str, ...]) -> frozenset[str]:
        """The substance codes that allergy codes stand for, classes expanded to members."""
        found: set[str] = set()
        for code in codes:
            group = self.allergy_classes.get(code)
            found.update(group.members if group is not None else (code,))
        return frozenset(found)
