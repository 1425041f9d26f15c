"""Courses per protocol, visits that share a day, and the lidocaine ceiling per visit.

Plain lidocaine and lidocaine with adrenaline have their own ceilings; the lower of those
planned bounds every visit.

Session ``k`` of a course falls on day ``k x interval`` from the start; courses that land on the
same day share one visit. Lidocaine is capped per visit at min(mg/kg x weight, absolute cap), the
label's figures [R76]. The dose a visit could hold is bounded from above by assuming every mL
injected in a lidocaine-containing area is lidocaine at the knowledge base's concentration (1%),
so a plan within the bound is within the cap whatever the final mixture. Where the bound is
exceeded, lidocaine is left out of the largest areas first until every visit fits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from mesoclinic.planning.index import knowledge_index
from mesoclinic.planning.knowledge_model import Gap, Knowledge, Protocol, Sourced, Substance
from mesoclinic.planning.model import (
    Area,
    Course,
    Finding,
    Maintenance,
    Patient,
    Severity,
    Visit,
)
from mesoclinic.planning.sources import cited, sorted_sources

LIDOCAINE = "lidocaine"


@dataclass(frozen=True)
class Schedule:
    areas: tuple[Area, ...]
    courses: tuple[Course, ...]
    visits: tuple[Visit, ...]
    findings: tuple[Finding, ...]


def build_schedule(
    areas: tuple[Area, ...],
    *,
    patient: Patient,
    start_date: dt.date | None,
    knowledge: Knowledge,
) -> Schedule:
    index = knowledge_index(knowledge)
    courses = _courses(areas, index.protocols)
    days = _session_days(courses)
    zone_rank = index.zone_rank
    governing = _governing(areas, patient, knowledge)
    fitted, findings = _fit_lidocaine(areas, days, patient, knowledge, zone_rank, governing)
    cap = _lidocaine_cap(patient, governing)
    strength = None if governing is None or governing.mg_per_ml is None else governing.mg_per_ml
    max_ml = None if cap is None or strength is None else round(cap / strength.value, 1)
    visits = _visits(fitted, days, start_date, cap, max_ml, knowledge)
    return Schedule(tuple(fitted), courses, visits, tuple(findings))


def _courses(areas: tuple[Area, ...], protocols: Mapping[str, Protocol]) -> tuple[Course, ...]:
    grouped: dict[str, list[Area]] = defaultdict(list)
    for area in areas:
        grouped[area.protocol].append(area)
    courses = []
    for code, members in grouped.items():
        protocol = protocols[code]
        concerns = list(dict.fromkeys(c for a in members for c in a.concerns))
        notes = [
            f"{label}: {q.note}"
            for label, q in (("Sessions", protocol.sessions), ("Interval", protocol.interval_days))
            if q.note
        ]
        review = protocol.review_after_weeks
        maintenance_note = protocol.maintenance_note
        if isinstance(review, Gap):
            maintenance_note = f"{review.note} {maintenance_note}".strip()
        elif review.note:
            maintenance_note = f"{maintenance_note} Review: {review.note}.".strip()
        courses.append(
            Course(
                protocol=code,
                concerns=tuple(concerns),
                zones=tuple(dict.fromkeys(a.zone for a in members)),
                sessions=_whole(protocol.sessions),
                interval_days=_whole(protocol.interval_days),
                maintenance=Maintenance(
                    review_after_weeks=_whole(review),
                    evidence=protocol.maintenance_evidence,
                    note=maintenance_note,
                    sources=sorted_sources([*review.sources, *cited(maintenance_note)]),
                ),
                note="; ".join(notes),
                sources=sorted_sources(
                    [
                        *protocol.sessions.sources,
                        *protocol.interval_days.sources,
                        *protocol.session_weeks_sources,
                        *cited(*notes),
                    ]
                ),
                session_days=tuple(7 * w for w in protocol.session_weeks or ()),
            )
        )
    return tuple(courses)


def _session_days(courses: tuple[Course, ...]) -> dict[str, tuple[int, ...]]:
    """Days (from the start) on which each protocol's sessions fall."""
    days = {}
    for course in courses:
        if course.session_days:  # a source fixes the weeks (an irregular schedule)
            days[course.protocol] = course.session_days
            continue
        sessions = course.sessions or 1  # no sourced course: plan the first session only
        interval = course.interval_days
        days[course.protocol] = tuple(k * interval for k in range(sessions)) if interval else (0,)
    return days


def _capped(knowledge: Knowledge) -> frozenset[str]:
    """Anaesthetics whose dose is capped per visit: lidocaine, with or without adrenaline."""
    return knowledge_index(knowledge).capped_anaesthetics


def _governing(areas: Iterable[Area], patient: Patient, knowledge: Knowledge) -> Substance | None:
    """The capped anaesthetic whose ceiling applies: the lowest of those planned.

    Plain lidocaine and lidocaine with adrenaline have their own ceilings [R76]; when a plan
    holds both, the lower one bounds the total, whatever the mixture. With none planned,
    plain lidocaine's ceiling is reported.
    """
    capped = _capped(knowledge)
    planned = {s.code for a in areas for s in a.substances if s.code in capped}
    candidates = [knowledge.substances[c] for c in knowledge.substances if c in planned]
    if not candidates:
        plain = knowledge.substances.get(LIDOCAINE)
        return plain if plain is not None and plain.code in capped else None
    return min(candidates, key=lambda substance: _cap_of(substance, patient) or float("inf"))


def _cap_of(substance: Substance, patient: Patient) -> float | None:
    if patient.weight_kg is None:
        return None
    caps = []
    if substance.max_mg_per_kg is not None:
        caps.append(substance.max_mg_per_kg.value * patient.weight_kg)
    if substance.max_mg is not None:
        caps.append(substance.max_mg.value)
    return round(min(caps), 1) if caps else None


def _lidocaine_cap(patient: Patient, substance: Substance | None) -> float | None:
    return None if substance is None else _cap_of(substance, patient)


def _cap_words(substance: Substance) -> str:
    words = []
    if substance.max_mg_per_kg is not None:
        words.append(f"{substance.max_mg_per_kg.value:g} mg/kg")
    if substance.max_mg is not None:
        words.append(f"at most {substance.max_mg.value:g} mg")
    return f"{substance.name.lower()}: " + ", ".join(words)


def _cap_sources(substance: Substance) -> tuple[str, ...]:
    caps = (substance.mg_per_ml, substance.max_mg_per_kg, substance.max_mg)
    return sorted_sources(s for cap in caps if cap is not None for s in cap.sources)


def _lidocaine_bound(areas: list[Area], knowledge: Knowledge) -> float | None:
    """Most lidocaine ``areas`` could hold at one visit; None when a volume is unknown."""
    capped = _capped(knowledge)
    total = 0.0
    for area in areas:
        for substance in area.substances:
            if substance.code not in capped:
                continue
            mg_per_ml = knowledge.substances[substance.code].mg_per_ml
            if mg_per_ml is None or area.volume_ml is None:
                return None
            total += area.volume_ml * mg_per_ml.value
    return round(total, 1)


def _has_lidocaine(area: Area, capped: frozenset[str]) -> bool:
    return any(s.code in capped for s in area.substances)


def _fit_lidocaine(
    areas: tuple[Area, ...],
    days: dict[str, tuple[int, ...]],
    patient: Patient,
    knowledge: Knowledge,
    zone_rank: Mapping[str, int],
    governing: Substance | None,
) -> tuple[list[Area], list[Finding]]:
    fitted = list(areas)
    capped = _capped(knowledge)
    cap = _lidocaine_cap(patient, governing)
    findings: list[Finding] = []
    removed: list[str] = []
    if governing is None or not any(_has_lidocaine(a, capped) for a in fitted):
        return fitted, findings
    while cap is not None:
        over = _first_visit_over(fitted, days, cap, knowledge)
        if over is None:
            break
        # Leave lidocaine out of the largest area of that visit (ties: zone order).
        index = max(
            (i for i in over if _has_lidocaine(fitted[i], capped)),
            key=lambda i: (fitted[i].volume_ml or 0.0, -zone_rank[fitted[i].zone]),
        )
        area = fitted[index]
        fitted[index] = replace(
            area,
            substances=tuple(s for s in area.substances if s.code not in capped),
            notes=(*area.notes, "Lidocaine left out: the visit's dose would exceed the maximum."),
        )
        removed.append(area.zone)
    if removed:
        findings.append(
            Finding(
                "lidocaine_reduced",
                Severity.CAUTION,
                f"Lidocaine left out in some zones: at its planned concentration the injected "
                f"volume could hold more than this patient's maximum of {cap} mg per visit "
                f"({_cap_words(governing)}).",
                _ordered(removed, zone_rank),
                _cap_sources(governing),
            )
        )
    unchecked = [a.zone for a in fitted if _has_lidocaine(a, capped) and a.volume_ml is None]
    if unchecked:
        findings.append(
            Finding(
                "lidocaine_dose_unchecked",
                Severity.CAUTION,
                "Lidocaine: the injected volume is not established, so the dose cannot be "
                f"checked here; keep it at or below {cap} mg per visit ({_cap_words(governing)}).",
                _ordered(unchecked, zone_rank),
                _cap_sources(governing),
            )
        )
    return fitted, findings


def _first_visit_over(
    areas: list[Area], days: dict[str, tuple[int, ...]], cap: float, knowledge: Knowledge
) -> list[int] | None:
    """Indexes of the areas of the first visit whose lidocaine bound exceeds ``cap``."""
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, area in enumerate(areas):
        for day in days[area.protocol]:
            by_day[day].append(i)
    for day in sorted(by_day):
        bound = _lidocaine_bound([areas[i] for i in by_day[day]], knowledge)
        if bound is not None and bound > cap:
            return by_day[day]
    return None


def _visits(
    areas: list[Area],
    days: dict[str, tuple[int, ...]],
    start_date: dt.date | None,
    cap: float | None,
    max_ml: float | None,
    knowledge: Knowledge,
) -> tuple[Visit, ...]:
    by_day: dict[int, list[Area]] = defaultdict(list)
    for area in areas:
        for day in days[area.protocol]:
            by_day[day].append(area)
    zone_rank = knowledge_index(knowledge).zone_rank
    capped = _capped(knowledge)
    visits = []
    for day in sorted(by_day):
        members = by_day[day]
        volumes = [a.volume_ml for a in members]
        volume = None if None in volumes else round(sum(v or 0.0 for v in volumes), 3)
        visits.append(
            Visit(
                day=day,
                date=start_date + dt.timedelta(days=day) if start_date else None,
                zones=_ordered([a.zone for a in members], zone_rank),
                volume_ml=volume,
                lidocaine_mg=_lidocaine_bound(members, knowledge),
                lidocaine_max_mg=cap,
                # The ceiling as a volume of the anaesthetic at the knowledge base's strength: a
                # figure the clinician can keep to even where the areas' volumes are not known.
                lidocaine_max_ml=max_ml
                if any(_has_lidocaine(a, capped) for a in members)
                else None,
            )
        )
    return tuple(visits)


def _ordered(zones: list[str], zone_rank: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(set(zones), key=zone_rank.__getitem__))


def _whole(quantity: Sourced | Gap) -> int | None:
    return int(quantity.value) if isinstance(quantity, Sourced) else None
