"""``make_plan``: a validated request and the knowledge base in, a plan out.

The engine is a pure function: no clock, no randomness, no I/O, so the same request and the same
knowledge give the same plan, byte for byte once rendered. Its steps:

1. screen the patient (``screening``); an absolute finding about the whole patient (age) turns
   them away with every request declined and nothing planned;
2. turn requests into per-zone areas or declined entries (``areas``);
3. report substance-specific rules only when the plan proposed one of their substances;
4. build courses and shared visits, fitting lidocaine under the per-visit cap (``schedule``);
5. list alternatives for the requested concerns, needle-free first, then by evidence;
6. derive the verdict from the findings and collect every source id used.
"""

from __future__ import annotations

from dataclasses import replace

from mesoclinic.planning.areas import build_areas
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import (
    Alternative,
    Declined,
    Evidence,
    Finding,
    NeedleFear,
    Plan,
    PlanRequest,
    Severity,
    Verdict,
)
from mesoclinic.planning.schedule import build_schedule
from mesoclinic.planning.screening import screen
from mesoclinic.planning.sources import sorted_sources

_SEVERITY_RANK = {severity: i for i, severity in enumerate(Severity)}
_EVIDENCE_RANK = {evidence: i for i, evidence in enumerate(Evidence)}


def make_plan(request: PlanRequest, knowledge: Knowledge) -> Plan:
    """Plan ``request`` with ``knowledge``. Never raises for a request that parsed."""
    screening = screen(request.patient, knowledge)
    if screening.turned_away:
        return _turned_away(request, knowledge, screening.patient_findings)

    outcome = build_areas(request, knowledge, screening)
    substance_findings = [
        Finding(rule.code, rule.severity, rule.message, (), tuple(rule.sources))
        for rule in screening.substance_rules
        if outcome.proposed_substances.intersection(rule.applies_to_substances)
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
        ]
    )
    alternatives = _alternatives(request, knowledge)
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
    plan = Plan(
        knowledge_version=knowledge.version,
        verdict=Verdict.NOT_SUITABLE,
        findings=_ordered_findings(list(findings)),
        declined=declined,
        alternatives=(),
        areas=(),
        courses=(),
        visits=(),
    )
    return _with_sources(plan)


def _ordered_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (_SEVERITY_RANK[f.severity], f.code, f.zones)))


def _alternatives(request: PlanRequest, knowledge: Knowledge) -> tuple[Alternative, ...]:
    concern_order = list(knowledge.concerns)
    requested = {item.concern for item in request.requests}
    fearful = request.patient.needle_fear is not NeedleFear.NONE
    chosen = []
    for option in knowledge.alternatives:
        matched = [c for c in concern_order if c in requested and c in option.for_concerns]
        if not matched and not (fearful and option.for_needle_fear):
            continue
        chosen.append(
            Alternative(
                code=option.code,
                name=option.name,
                needle_free=option.needle_free,
                for_concerns=tuple(matched),
                evidence=option.evidence,
                note=option.note,
                sources=sorted_sources(option.sources),
                prescription_only=option.prescription_only,
            )
        )
    chosen.sort(key=lambda a: (not a.needle_free, _EVIDENCE_RANK[a.evidence], a.code))
    return tuple(chosen)


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
