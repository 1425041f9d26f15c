"""Invariants of every plan, for any request the parser accepts (Hypothesis)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import Layer, Plan, PlanRequest, Severity, Sex, Verdict
from mesoclinic.planning.tests.doubles import KB_WITH_VOLUMES
from mesoclinic.planning.tests.strategies import plan_requests

KB = default_knowledge()


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plan_json(plan: Plan) -> str:
    def default(value: Any) -> str:
        return str(value)

    return json.dumps(dataclasses.asdict(plan), default=default, sort_keys=True)


def _texts(plan: Plan) -> list[str]:
    texts = [f.message for f in plan.findings] + [d.reason for d in plan.declined]
    texts += [a.note for a in plan.alternatives]
    for area in plan.areas:
        texts += [area.depth_note, *area.notes, *(s.evidence_note for s in area.substances)]
    for course in plan.courses:
        texts += [course.note, course.maintenance.note]
    return texts


def _item_sources(plan: Plan) -> set[str]:
    ids: set[str] = set()
    for group in (plan.findings, plan.declined, plan.alternatives, plan.areas, plan.courses):
        for item in group:
            ids.update(item.sources)
    for area in plan.areas:
        for substance in area.substances:
            ids.update(substance.sources)
    for course in plan.courses:
        ids.update(course.maintenance.sources)
    return ids


@SETTINGS
@given(plan_requests(KB))
def test_it_never_plans_a_substance_the_patient_is_allergic_to(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    planned = {s.code for area in plan.areas for s in area.substances}
    assert planned.isdisjoint(request.patient.allergies)


@SETTINGS
@given(plan_requests(KB))
def test_it_keeps_intradermal_depths_inside_the_dermis(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    for area in plan.areas:
        if area.depth_mm is None:
            continue
        assert area.layer is not Layer.SUBCUTANEOUS
        zone = KB.zones[area.zone]
        sex = request.patient.sex
        measured = [
            t
            for s, t in (("female", zone.female), ("male", zone.male))
            if t and (sex is None or sex is Sex.OTHER or sex.value == s)
        ]
        assert measured
        top = min(t.epidermis.mean for t in measured)
        bottom = max(t.epidermis.mean + t.dermis.mean for t in measured)
        assert top < area.depth_mm.min <= area.depth_mm.target <= area.depth_mm.max < bottom


@SETTINGS
@given(plan_requests(KB))
def test_it_resolves_every_source_id(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    assert set(plan.sources) <= set(KB.sources)
    assert _item_sources(plan) == set(plan.sources)
    cited = {m for text in _texts(plan) for m in re.findall(r"\[([A-Z]+\d+[a-z]?)\]", text)}
    assert cited <= set(plan.sources)


@SETTINGS
@given(plan_requests(KB_WITH_VOLUMES))
def test_it_never_plans_lidocaine_above_the_maximum(request: PlanRequest) -> None:
    plan = make_plan(request, KB_WITH_VOLUMES)
    weight = request.patient.weight_kg
    for visit in plan.visits:
        if weight is None:
            assert visit.lidocaine_max_mg is None
            assert visit.lidocaine_mg == 0
            continue
        assert visit.lidocaine_max_mg == round(min(4.5 * weight, 300), 1)
        assert visit.lidocaine_mg is not None
        assert visit.lidocaine_mg <= visit.lidocaine_max_mg
    if weight is None:
        assert all(s.code != "lidocaine" for a in plan.areas for s in a.substances)


@SETTINGS
@given(plan_requests(KB))
def test_it_orders_visits_and_dates_them_from_the_start(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    days = [v.day for v in plan.visits]
    assert days == sorted(set(days))
    for visit in plan.visits:
        assert visit.zones
        if request.start_date is None:
            assert visit.date is None
        else:
            assert visit.date is not None
            assert (visit.date - request.start_date).days == visit.day
    if plan.areas:
        assert days[0] == 0


@SETTINGS
@given(plan_requests(KB))
def test_it_is_deterministic(request: PlanRequest) -> None:
    assert _plan_json(make_plan(request, KB)) == _plan_json(make_plan(request, KB))


@SETTINGS
@given(plan_requests(KB))
def test_it_accounts_for_every_requested_zone_once(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    requested = {(r.concern, z) for r in request.requests for z in r.zones}
    planned = {(c, a.zone) for a in plan.areas for c in a.concerns}
    declined = [(d.concern, z) for d in plan.declined for z in d.zones]
    assert planned.isdisjoint(declined)
    assert len(declined) == len(set(declined))
    assert planned | set(declined) == requested


@SETTINGS
@given(plan_requests(KB))
def test_it_applies_safety_exclusions(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    patient = request.patient
    planned = {(a.zone, s.code) for a in plan.areas for s in a.substances}
    if patient.pregnant or patient.breastfeeding or patient.may_become_pregnant:
        assert all(code not in ("dutasteride", "finasteride") for _, code in planned)
    assert all(zone == "submental" for zone, code in planned if code == "deoxycholic_acid")
    assert all(zone == "buttocks" for zone, code in planned if code == "collagenase_cch")
    assert {z for z, _ in planned}.isdisjoint(patient.active_skin_infection_zones)
    declined_codes = {c for c, s in KB.substances.items() if s.declined_reason}
    assert declined_codes.isdisjoint(code for _, code in planned)
    if patient.age < 18:
        assert plan.verdict is Verdict.NOT_SUITABLE
        assert not plan.areas
    if "thromboembolism_history" in patient.conditions:
        assert all(code != "tranexamic_acid" for _, code in planned)


@SETTINGS
@given(plan_requests(KB))
def test_it_derives_the_verdict_from_the_findings(request: PlanRequest) -> None:
    plan = make_plan(request, KB)
    whole_patient = {f.severity for f in plan.findings if not f.zones}
    if not plan.areas or Severity.ABSOLUTE in whole_patient:
        assert plan.verdict is Verdict.NOT_SUITABLE
    elif Severity.RELATIVE in {f.severity for f in plan.findings}:
        assert plan.verdict is Verdict.CONSULT_REQUIRED
    elif {f.severity for f in plan.findings} & {Severity.CAUTION, Severity.ABSOLUTE}:
        assert plan.verdict is Verdict.SUITABLE_WITH_CAUTIONS
    else:
        assert plan.verdict is Verdict.SUITABLE
