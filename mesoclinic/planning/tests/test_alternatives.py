"""Alternatives are screened like the plan and ranked by what the evidence found.

Table-driven over every alternative and every substance it delivers in the knowledge base, plus
a property over any request: no alternative delivers a substance the plan withheld for that
patient, unless the withholding rule names it in ``alternatives_allowed`` (with sources).
"""

from __future__ import annotations

from hypothesis import given

from mesoclinic.planning.areas import excluded_for
from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.model import (
    ConcernRequest,
    Effect,
    Evidence,
    NeedleFear,
    Patient,
    Plan,
    PlanRequest,
    Sex,
)
from mesoclinic.planning.screening import screen
from mesoclinic.planning.tests.strategies import plan_requests
from mesoclinic.planning.tests.test_engine_properties import SETTINGS

KB = default_knowledge()
EFFECT_RANK = {effect: i for i, effect in enumerate(Effect)}
EVIDENCE_RANK = {evidence: i for i, evidence in enumerate(Evidence)}
DELIVERING = [(option, code) for option in KB.alternatives for code in option.delivers]


def plan_for(patient: Patient, concerns: tuple[str, ...]) -> Plan:
    requests = tuple(ConcernRequest(concern, ("cheeks",)) for concern in concerns)
    return make_plan(PlanRequest(patient, requests), KB)


def test_every_delivering_alternative_is_withdrawn_for_an_allergy_to_what_it_delivers() -> None:
    assert DELIVERING, "the knowledge base lists what its alternatives deliver"
    for option, code in DELIVERING:
        patient = Patient(age=40, sex=Sex.MALE, weight_kg=80, allergies=(code,))
        plan = plan_for(patient, option.for_concerns)
        assert option.code not in [a.code for a in plan.alternatives], (option.code, code)
        (finding,) = [f for f in plan.findings if f.code == f"{option.code}_not_offered"]
        assert finding.message == (
            f"{option.name} is not offered: it delivers "
            f"{KB.substances[code].name.lower()}, and the patient is allergic to it."
        )
        # Without the allergy the same patient is offered it.
        plain = plan_for(Patient(age=40, sex=Sex.MALE, weight_kg=80), option.for_concerns)
        assert option.code in [a.code for a in plain.alternatives]


def test_an_allergy_class_withdraws_every_member_and_every_alternative_delivering_one() -> None:
    for group in KB.allergy_classes.values():
        patient = Patient(age=40, sex=Sex.MALE, weight_kg=80, allergies=(group.code,))
        plan = plan_for(patient, tuple(KB.concerns))
        planned = {s.code for area in plan.areas for s in area.substances}
        assert planned.isdisjoint(group.members), group.code
        offered = {c for a in plan.alternatives for c in KB_DELIVERS[a.code]}
        assert offered.isdisjoint(group.members), group.code


KB_DELIVERS = {option.code: option.delivers for option in KB.alternatives}


def test_no_route_of_tranexamic_acid_is_offered_when_a_rule_withholds_it() -> None:
    patient = Patient(age=40, sex=Sex.FEMALE, weight_kg=60, conditions=("thromboembolism_history",))
    plan = plan_for(patient, ("pigmentation",))
    offered = [a.code for a in plan.alternatives]
    assert "oral_tranexamic_acid" not in offered
    assert "topical_tranexamic_acid" not in offered
    messages = {f.code: f.message for f in plan.findings}
    assert messages["oral_tranexamic_acid_not_offered"] == (
        "Oral tranexamic acid is not offered: it delivers tranexamic acid (txa) by mouth and "
        "tranexamic acid (txa) is withheld for this patient (thromboembolism_txa)."
    )
    assert "thromboembolism_txa" in messages


def test_a_cautioning_rule_qualifies_the_alternative_it_concerns() -> None:
    patient = Patient(age=30, sex=Sex.FEMALE, weight_kg=60, medications=("hormonal_contraceptive",))
    plan = plan_for(patient, ("pigmentation",))
    oral = next(a for a in plan.alternatives if a.code == "oral_tranexamic_acid")
    rule = next(r for r in KB.rules if r.code == "hormonal_contraceptive_txa")
    assert oral.note.endswith(f"Caution: {rule.message}")
    assert set(rule.sources) <= set(oral.sources)


def test_alternatives_are_ranked_by_effect_then_evidence_then_needle_free() -> None:
    for fear in NeedleFear:
        patient = Patient(age=40, sex=Sex.MALE, weight_kg=80, needle_fear=fear)
        plan = plan_for(
            patient, tuple(c for c in KB.concerns if not KB.concerns[c].declined_reason)
        )
        order = list(KB.alternatives)
        position = {option.code: i for i, option in enumerate(order)}
        fearful = fear is not NeedleFear.NONE
        keys = [
            (
                int(fearful and not a.needle_free),
                EFFECT_RANK[a.effect],
                EVIDENCE_RANK[a.evidence],
                int(not a.needle_free),
                int(a.prescription_only),
                position[a.code],
            )
            for a in plan.alternatives
        ]
        assert keys == sorted(keys)
        assert len(plan.alternatives) >= 10


def test_a_non_significant_meta_analysis_ranks_below_a_positive_trial() -> None:
    plan = plan_for(Patient(age=40, sex=Sex.MALE, weight_kg=80), ("pigmentation",))
    codes = [a.code for a in plan.alternatives]
    assert codes.index("chemical_peels") < codes.index("topical_tranexamic_acid")
    topical = next(a for a in plan.alternatives if a.code == "topical_tranexamic_acid")
    assert (topical.effect, topical.evidence) == (Effect.NOT_SIGNIFICANT, Evidence.SR)


def test_a_patient_turned_away_is_told_no_option_is_established_as_safe() -> None:
    plan = plan_for(Patient(age=16, needle_fear=NeedleFear.SEVERE), ("pigmentation", "hair_loss"))
    assert plan.alternatives == ()
    (finding,) = [f for f in plan.findings if f.code == "no_safe_alternative"]
    assert finding.message.endswith("none is offered. See a doctor.")


@SETTINGS
@given(plan_requests(KB))
def test_no_alternative_delivers_a_substance_withheld_for_the_patient(
    request: PlanRequest,
) -> None:
    plan = make_plan(request, KB)
    screening = screen(request.patient, KB)
    withheld = set(screening.allergens) | {
        code for code, s in KB.substances.items() if excluded_for(s, request.patient)
    }
    allowed: dict[str, set[str]] = {}
    for rule in screening.substance_rules:
        if rule.withhold:
            for code in rule.applies_to_substances:
                withheld.add(code)
                if rule.sources:
                    allowed.setdefault(code, set()).update(rule.alternatives_allowed)
    for alternative in plan.alternatives:
        for code in KB_DELIVERS[alternative.code]:
            assert code not in withheld or alternative.code in allowed.get(code, set())
