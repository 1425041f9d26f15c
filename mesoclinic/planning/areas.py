"""Requests -> per-zone areas (or declined entries), with the substances the patient may have.

Steps, for each (concern, zone) pair in request order:
1. a concern that is itself a claim without evidence (``detox``) is declined;
2. an infected zone is declined for every concern;
3. a (concern, zone) that ``declined.toml`` declines is declined with its reason;
4. a pair without a protocol is declined as "not established";
5. otherwise the pair joins the area for (zone, protocol), and the area gets the first active
   substance the patient may have (allergy, label restrictions, rule withholding), plus every
   anaesthetic the patient may have. No suitable active means the pair is declined.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from mesoclinic.planning.depth import depth_for
from mesoclinic.planning.index import knowledge_index
from mesoclinic.planning.knowledge_model import (
    Knowledge,
    Protocol,
    Quantity,
    Sourced,
    Substance,
)
from mesoclinic.planning.model import (
    Area,
    Declined,
    Finding,
    Needle,
    Patient,
    PlannedSubstance,
    PlanRequest,
    Severity,
    Sex,
    SubstanceRole,
)
from mesoclinic.planning.screening import Screening
from mesoclinic.planning.sources import cited, sorted_sources


@dataclass(frozen=True)
class AreaOutcome:
    areas: tuple[Area, ...]
    declined: tuple[Declined, ...]
    findings: tuple[Finding, ...]
    proposed_substances: frozenset[str]
    """Substances the chosen protocols list, before anything is left out for this patient."""


class _Grouped:
    """Accumulates zones under a key, keeping first-seen order of keys and zones."""

    def __init__(self) -> None:
        self._zones: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = defaultdict(list)

    def add(self, key: tuple[str, str, str, tuple[str, ...]], zone: str) -> None:
        if zone not in self._zones[key]:
            self._zones[key].append(zone)

    def items(self) -> list[tuple[tuple[str, str, str, tuple[str, ...]], tuple[str, ...]]]:
        return [(key, tuple(zones)) for key, zones in self._zones.items()]


def build_areas(request: PlanRequest, knowledge: Knowledge, screening: Screening) -> AreaOutcome:
    declined = _Grouped()  # (concern, reason, "", sources) -> zones
    exclusions = _Grouped()  # (finding code, message, severity, sources) -> zones
    pairs: dict[tuple[str, str], list[str]] = {}  # (zone, protocol code) -> concerns
    skipped: dict[tuple[str, str], None] = {}  # (zone, protocol code) passed over, in order
    index = knowledge_index(knowledge)
    protocols, by_pair, declined_uses = index.protocols, index.by_pair, index.declined_uses
    infected = set(screening.infected_zones)

    for item in request.requests:
        concern = knowledge.concerns[item.concern]
        for zone in item.zones:
            if concern.declined_reason:
                declined.add((concern.code, concern.declined_reason, "", concern.sources), zone)
            elif zone in infected and screening.infection_rule is not None:
                rule = screening.infection_rule
                declined.add((concern.code, rule.message, "", rule.sources), zone)
            elif (use := declined_uses.get((concern.code, zone))) is not None:
                declined.add((concern.code, use.reason, "", use.sources), zone)
            elif (candidates := by_pair.get((concern.code, zone))) is not None:
                # Each substance carries its own protocol: the first protocol with an active
                # this patient may have is planned; those passed over are remembered so that
                # what they left out (and why) still reaches the findings.
                protocol = next(
                    (
                        c
                        for c in candidates
                        if _choose_substances(c, zone, request.patient, knowledge, screening)[0]
                        is not None
                    ),
                    candidates[0],
                )
                concerns = pairs.setdefault((zone, protocol.code), [])
                if concern.code not in concerns:
                    concerns.append(concern.code)
                for passed in candidates[: candidates.index(protocol)]:
                    skipped.setdefault((zone, passed.code), None)
            else:
                reason = (
                    f"Not established: the knowledge base has no protocol for "
                    f"{concern.name.lower()} in this zone. A clinician decides."
                )
                declined.add((concern.code, reason, "", ()), zone)

    areas: list[Area] = []
    proposed: set[str] = set()
    for zone, code in skipped:
        protocol = protocols[code]
        proposed.update(protocol.substances)
        _choose_substances(protocol, zone, request.patient, knowledge, screening, exclusions)
    for (zone, code), concerns in pairs.items():
        protocol = protocols[code]
        proposed.update(protocol.substances)
        chosen, others, anaesthetics = _choose_substances(
            protocol, zone, request.patient, knowledge, screening, exclusions
        )
        if chosen is None:
            reason = (
                "No substance in the protocol suits this patient "
                "(see the findings for what was left out and why)."
            )
            for concern_code in concerns:
                declined.add((concern_code, reason, "", ()), zone)
            continue
        # The other protocols for these concerns here whose active suits the patient: named
        # in the notes, each with its own protocol (and course), never this one's.
        for concern_code in concerns:
            for other in by_pair.get((concern_code, zone), ()):
                if other.code == code:
                    continue
                active = _choose_substances(other, zone, request.patient, knowledge, screening)[0]
                if active is not None and active not in others and active != chosen:
                    others.append(active)
        sex = request.patient.sex
        key = ("area", zone, tuple(concerns), code, chosen, tuple(others), tuple(anaesthetics), sex)
        areas.append(
            index.remember(
                key,
                functools.partial(
                    _area,
                    zone,
                    tuple(concerns),
                    protocol,
                    chosen,
                    others,
                    anaesthetics,
                    sex,
                    knowledge,
                ),
            )
        )

    return AreaOutcome(
        areas=tuple(areas),
        declined=tuple(
            Declined(concern, zones, reason, sources)
            for (concern, reason, _, sources), zones in declined.items()
        ),
        findings=tuple(
            Finding(code, Severity(severity), message, zones, sources)
            for (code, message, severity, sources), zones in exclusions.items()
        ),
        proposed_substances=frozenset(proposed),
    )


def _choose_substances(
    protocol: Protocol,
    zone: str,
    patient: Patient,
    knowledge: Knowledge,
    screening: Screening,
    exclusions: _Grouped | None = None,
) -> tuple[Substance | None, list[Substance], list[Substance]]:
    """The first active the patient may have, the other suitable actives, the anaesthetics.

    What is left out is recorded in ``exclusions`` (when given) with the reason.
    """
    if exclusions is None:
        exclusions = _Grouped()  # a trial choice: nothing is reported
    actives: list[Substance] = []
    anaesthetics: list[Substance] = []
    for code in protocol.substances:
        substance = knowledge.substances[code]
        if substance.declined_reason or code in screening.withheld:
            continue  # never planned; withheld ones are reported by their rule
        if code in screening.allergens:
            message = f"Allergy to {substance.name.lower()}: left out of the plan."
            sources: tuple[str, ...] = ()
            if substance.role is SubstanceRole.ANAESTHETIC:
                message += (
                    " Alternatives for a true lidocaine allergy come only from a low-quality "
                    "source; check a primary guideline."
                )
                sources = ("R78",)
            exclusions.add((f"allergy_{code}", message, Severity.CAUTION.value, sources), zone)
            continue
        if substance.allowed_zones is not None and zone not in substance.allowed_zones:
            continue  # label restriction by zone: the protocol's other substances may still fit
        if excluded_for(substance, patient):
            message = f"{substance.name} withheld: {substance.exclusion_reason}"
            key = (f"{code}_contraindicated", message, Severity.CAUTION.value)
            sources = sorted_sources([*substance.exclusion_sources, *cited(message)])
            exclusions.add((*key, sources), zone)
            continue
        if substance.role is SubstanceRole.ACTIVE:
            actives.append(substance)
        else:
            anaesthetics.append(substance)
    if not actives:
        return None, [], anaesthetics
    return actives[0], actives[1:], anaesthetics


def excluded_for(substance: Substance, patient: Patient) -> bool:
    """True when a label exclusion of ``substance`` (pregnancy, ...) applies to ``patient``."""
    if not substance.excluded_if:
        return False
    states = {
        "pregnant": patient.pregnant,
        "breastfeeding": patient.breastfeeding,
        "may_become_pregnant": patient.may_become_pregnant,
    }
    return any(states[state] for state in substance.excluded_if)


def _area(
    zone: str,
    concerns: tuple[str, ...],
    protocol: Protocol,
    chosen: Substance,
    others: list[Substance],
    anaesthetics: list[Substance],
    sex: Sex | None,
    knowledge: Knowledge,
) -> Area:
    """The area for these inputs. Pure: ``build_areas`` memoises it per knowledge."""
    angle = _whole(protocol.angle_deg)
    advice = depth_for(
        zone=knowledge.zones[zone],
        sex=sex,
        layer=protocol.layer,
        angle_deg=angle,
        needle_length_mm=_number(protocol.needle_length_mm),
    )
    per_point = _number(protocol.volume_per_point_ml)
    points_q = protocol.points.get(zone)
    points = int(points_q.value) if points_q is not None else None
    volume = round(points * per_point, 3) if points is not None and per_point is not None else None

    notes = [protocol.note] if protocol.note else []
    for label, quantity in (
        ("Angle", protocol.angle_deg),
        ("Needle gauge", protocol.needle_gauge),
        ("Needle length", protocol.needle_length_mm),
        ("Volume per point", protocol.volume_per_point_ml),
        ("Spacing", protocol.spacing_mm),
    ):
        # A gap says why there is no figure; a figure's note says where it came from (carried
        # from another zone or product: "extrapolated from ..."; computed: "derived ...").
        if quantity.note:
            notes.append(f"{label}: {quantity.note.rstrip('.')}.")
    if points_q is not None:
        notes.append(f"Points: {points_q.note or 'from the source'}.")
    else:
        notes.append(
            "Points: not established for this zone; the clinician sets the number from the "
            "area treated, and with it the volume."
        )
    notes.extend(
        f"Also suitable: {s.name} (evidence: {s.evidence.value}), with its own protocol."
        for s in others
    )

    quantities = (
        protocol.angle_deg,
        protocol.needle_gauge,
        protocol.needle_length_mm,
        protocol.volume_per_point_ml,
        protocol.spacing_mm,
        *([points_q] if points_q is not None else []),
    )
    sources = {*protocol.sources, *advice.sources}
    sources.update(s for q in quantities for s in q.sources)
    sources.update(s for substance in (chosen, *others, *anaesthetics) for s in substance.sources)
    sources.update(cited(advice.note, *notes))

    return Area(
        zone=zone,
        concerns=concerns,
        protocol=protocol.code,
        layer=protocol.layer,
        depth_mm=advice.depth,
        insertion_mm=advice.insertion_mm,
        depth_note=advice.note,
        angle_deg=angle,
        needle=Needle(
            gauge=_whole(protocol.needle_gauge), length_mm=_number(protocol.needle_length_mm)
        ),
        technique=protocol.technique,
        substances=tuple(_planned(s) for s in (chosen, *anaesthetics)),
        volume_per_point_ml=per_point,
        spacing_mm=_number(protocol.spacing_mm),
        points=points,
        volume_ml=volume,
        notes=tuple(notes),
        sources=sorted_sources(sources),
    )


@functools.cache  # pure in a frozen Substance; the same few substances recur in every plan
def _planned(substance: Substance) -> PlannedSubstance:
    note = substance.evidence_note
    if substance.concentration_note:
        note = f"{note} Concentration: {substance.concentration_note}"
    return PlannedSubstance(
        code=substance.code,
        name=substance.name,
        concentration=substance.concentration,
        role=substance.role,
        prescription_only=substance.prescription_only,
        evidence=substance.evidence,
        evidence_note=note,
        sources=sorted_sources([*substance.sources, *cited(note)]),
    )


def _number(quantity: Quantity) -> float | None:
    return quantity.value if isinstance(quantity, Sourced) else None


def _whole(quantity: Quantity) -> int | None:
    return int(quantity.value) if isinstance(quantity, Sourced) else None
