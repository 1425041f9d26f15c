"""``make_plan``: a validated request and the knowledge base in, a plan out.

The engine is a pure function: no clock, no randomness, no I/O, so the same request and the same
knowledge give the same plan, byte for byte once rendered. Its steps:

1. screen the patient (``screening``); an absolute finding about the whole patient (age) turns
   them away with every request declined, nothing planned and no option offered;
2. turn requests into per-zone areas or declined entries (``areas``);
3. report substance-specific rules only when the plan proposed one of their substances;
4. build courses and shared visits, fitting lidocaine under the per-visit cap (``schedule``);
5. list alternatives for the requested concerns, screened against the same patient (an
   allergy or a withheld substance removes every option delivering it) and ranked by the
   effect the evidence found, then by study design;
6. derive the verdict from the findings and collect every source id used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mesoclinic.planning.areas import build_areas, excluded_for
from mesoclinic.planning.knowledge_model import AlternativeOption, Knowledge
from mesoclinic.planning.model import (
    Alternative,
    Declined,
    Effect,
    Evidence,
    Finding,
    NeedleFear,
    Patient,
    Plan,
    PlanRequest,
    Severity,
    Verdict,
)
from mesoclinic.planning.schedule import build_schedule
from mesoclinic.planning.screening import Screening, screen
from mesoclinic.planning.sources import cited, sorted_sources

_SEVERITY_RANK = {severity: i for i, severity in enumerate(Severity)}
_EVIDENCE_RANK = {evidence: i for i, evidence in enumerate(Evidence)}
_EFFECT_RANK = {effect: i for i, effect in enumerate(Effect)}


def make_plan(request: PlanRequest, knowledge: Knowledge) -> Plan:
    """Plan ``request`` with ``knowledge``. Never raises for a request that parsed."""
    screening = screen(request.patient, knowledge)
    if screening.turned_away:
        return _turned_away(request, knowledge, screening.patient_findings)

    outcome = build_areas(request, knowledge, screening)
    offered = _alternatives(request, knowledge, screening)
    considered = outcome.proposed_substances | offered.delivered
    substance_findings = [
        Finding(rule.code, rule.severity, rule.message, (), tuple(rule.sources))
        for rule in screening.substance_rules
        if considered.intersection(rule.applies_to_substances)
    ]
    schedule = build_schedule(
        outcome.areas,
        patient=request.patient,
        start_date=request.start_date,
        knowledge=knowledge,
    )
    findings = _ordered_findings(
        [
            *screening.patient_findings,
            *substance_findings,
            *outcome.findings,
            *schedule.findings,
            *offered.findings,
        ]
    )
    alternatives = offered.alternatives
    verdict = _verdict(findings, planned=bool(schedule.areas))
    plan = Plan(
        knowledge_version=knowledge.version,
        verdict=verdict,
        findings=findings,
        declined=outcome.declined,
        alternatives=alternatives,
        areas=schedule.areas,
        courses=schedule.courses,
        visits=schedule.visits,
    )
    return _with_sources(plan)


def _turned_away(request: PlanRequest, knowledge: Knowledge, findings: tuple[Finding, ...]) -> Plan:
    blocking = [f for f in findings if f.severity is Severity.ABSOLUTE and not f.zones]
    reason = " ".join(f.message for f in blocking)
    sources = sorted_sources(s for f in blocking for s in f.sources)
    zones_by_concern: dict[str, dict[str, None]] = {}
    for item in request.requests:
        zones_by_concern.setdefault(item.concern, {}).update(dict.fromkeys(item.zones))
    declined = tuple(
        Declined(concern, tuple(zones), reason, sources)
        for concern, zones in zones_by_concern.items()
    )
    # No option in the knowledge base has evidence of safety for a patient turned away (the
    # labels do not establish safety under 18 [R40][R73]): say so rather than list options.
    none_safe = Finding(
        "no_safe_alternative",
        Severity.INFO,
        "No option in the knowledge base, needle-free or not, is established as safe for this "
        "patient: none is offered. See a doctor.",
        (),
        sources,
    )
    plan = Plan(
        knowledge_version=knowledge.version,
        verdict=Verdict.NOT_SUITABLE,
        findings=_ordered_findings([*findings, none_safe]),
        declined=declined,
        alternatives=(),
        areas=(),
        courses=(),
        visits=(),
    )
    return _with_sources(plan)


def _ordered_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (_SEVERITY_RANK[f.severity], f.code, f.zones)))


@dataclass(frozen=True)
class _Offered:
    alternatives: tuple[Alternative, ...]
    findings: tuple[Finding, ...]
    delivered: frozenset[str]
    """Substances the offered and withheld alternatives deliver (their rules are reported)."""


def _alternatives(request: PlanRequest, knowledge: Knowledge, screening: Screening) -> _Offered:
    """The options for the requested concerns, screened like the plan, best evidence first.

    An option that delivers a substance this patient may not have (an allergy, a rule that
    withholds it, a label exclusion) is not offered, whatever its route, unless the rule that
    withholds it names the option in ``alternatives_allowed``; a finding says which and why. A
    substance rule that only cautions qualifies the option's note instead.

    Ranking (docs/decisions/0023-alternatives-screened-and-ranked.md): effect found, then
    evidence level, then needle-free first, then not prescription-only, then file order. For a
    patient who fears needles, needle-free options come first of all.
    """
    concern_order = list(knowledge.concerns)
    requested = {item.concern for item in request.requests}
    patient = request.patient
    fearful = patient.needle_fear is not NeedleFear.NONE
    chosen: list[tuple[tuple[int, ...], Alternative]] = []
    findings: list[Finding] = []
    delivered: set[str] = set()
    for position, option in enumerate(knowledge.alternatives):
        matched = [c for c in concern_order if c in requested and c in option.for_concerns]
        if not matched and not (fearful and option.for_needle_fear):
            continue
        delivered.update(option.delivers)
        refusal = _refusal(option, patient, knowledge, screening)
        if refusal is not None:
            message, sources = refusal
            findings.append(
                Finding(
                    f"{option.code}_not_offered",
                    Severity.INFO,
                    f"{option.name} is not offered: {message}",
                    (),
                    sorted_sources(sources),
                )
            )
            continue
        note, sources = option.note, list(option.sources)
        for rule in screening.substance_rules:
            if not rule.withhold and set(rule.applies_to_substances) & set(option.delivers):
                note = f"{note} Caution: {rule.message}".strip()
                sources.extend(rule.sources)
        alternative = Alternative(
            code=option.code,
            name=option.name,
            needle_free=option.needle_free,
            for_concerns=tuple(matched),
            evidence=option.evidence,
            note=note,
            sources=sorted_sources(sources),
            prescription_only=option.prescription_only,
            effect=option.effect,
        )
        rank = (
            int(fearful and not option.needle_free),
            _EFFECT_RANK[option.effect],
            _EVIDENCE_RANK[option.evidence],
            int(not option.needle_free),
            int(option.prescription_only),
            position,
        )
        chosen.append((rank, alternative))
    chosen.sort(key=lambda item: item[0])
    return _Offered(
        alternatives=tuple(alternative for _, alternative in chosen),
        findings=tuple(findings),
        delivered=frozenset(delivered),
    )


def _refusal(
    option: AlternativeOption, patient: Patient, knowledge: Knowledge, screening: Screening
) -> tuple[str, list[str]] | None:
    """Why ``option`` may not be offered to this patient, with sources; None when it may."""
    for code in option.delivers:
        substance = knowledge.substances[code]
        name = substance.name.lower()
        if code in screening.allergens:
            return f"it delivers {name}, and the patient is allergic to it.", []
        for rule in screening.substance_rules:
            if rule.withhold and code in rule.applies_to_substances:
                if option.code in rule.alternatives_allowed:
                    continue
                route = "by mouth " if option.systemic else ""
                return (
                    f"it delivers {name} {route}and {name} is withheld for this patient "
                    f"({rule.code}).",
                    list(rule.sources),
                )
        if excluded_for(substance, patient):
            return (
                f"it delivers {name}. {substance.exclusion_reason}",
                [*substance.exclusion_sources, *cited(substance.exclusion_reason)],
            )
    return None


def _verdict(findings: tuple[Finding, ...], *, planned: bool) -> Verdict:
    """The strongest finding sets the verdict; nothing left to plan is not suitable.

    A zone-local absolute finding (an infected zone) declines that zone only, so for the rest of
    the plan it weighs as a caution.
    """
    if not planned:
        return Verdict.NOT_SUITABLE
    severities = {
        Severity.CAUTION if (f.severity is Severity.ABSOLUTE and f.zones) else f.severity
        for f in findings
    }
    if Severity.ABSOLUTE in severities:
        return Verdict.NOT_SUITABLE
    if Severity.RELATIVE in severities:
        return Verdict.CONSULT_REQUIRED
    if Severity.CAUTION in severities:
        return Verdict.SUITABLE_WITH_CAUTIONS
    return Verdict.SUITABLE


def _with_sources(plan: Plan) -> Plan:
    ids: list[str] = []
    for finding in plan.findings:
        ids.extend(finding.sources)
    for declined in plan.declined:
        ids.extend(declined.sources)
    for alternative in plan.alternatives:
        ids.extend(alternative.sources)
    for area in plan.areas:
        ids.extend(area.sources)
        for substance in area.substances:
            ids.extend(substance.sources)
    for course in plan.courses:
        ids.extend(course.sources)
        ids.extend(course.maintenance.sources)
    return replace(plan, sources=sorted_sources(ids))
