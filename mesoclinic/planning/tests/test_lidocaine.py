"""The per-visit lidocaine ceiling: plain lidocaine and lidocaine with adrenaline each have their
own, from the label [R76], and the lower one bounds a plan that holds both."""

from __future__ import annotations

import dataclasses

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.planning.model import ConcernRequest, Patient, PlanRequest, Sex
from mesoclinic.planning.tests.doubles import KB_WITH_VOLUMES


def with_anaesthetic(knowledge: Knowledge, protocol_code: str, anaesthetic: str) -> Knowledge:
    """``knowledge`` where one protocol's anaesthetic is ``anaesthetic``."""
    protocols = tuple(
        dataclasses.replace(
            p, substances=(*[c for c in p.substances if not c.startswith("lidocaine")], anaesthetic)
        )
        if p.code == protocol_code
        else p
        for p in knowledge.protocols
    )
    return dataclasses.replace(knowledge, protocols=protocols)


PATIENT = Patient(age=40, sex=Sex.MALE, weight_kg=60)
PIGMENTATION = ConcernRequest("pigmentation", ("cheeks",))
HAIR = ConcernRequest("hair_loss", ("scalp",))


def test_lidocaine_with_adrenaline_is_planned_to_its_own_ceiling() -> None:
    kb = with_anaesthetic(KB_WITH_VOLUMES, "pigmentation.face", "lidocaine_adrenaline")
    plan = make_plan(PlanRequest(PATIENT, (PIGMENTATION,)), kb)
    (area,) = plan.areas
    assert [s.code for s in area.substances] == ["tranexamic_acid", "lidocaine_adrenaline"]
    # 7 mg/kg x 60 kg = 420 mg, under the 500 mg absolute cap, i.e. 42 mL at 10 mg/mL;
    # 20 mL at 10 mg/mL = 200 mg.
    assert [(v.lidocaine_mg, v.lidocaine_max_mg, v.lidocaine_max_ml) for v in plan.visits] == [
        (200.0, 420.0, 42.0)
    ] * 3


def test_a_visit_with_lidocaine_of_unknown_volume_still_gets_its_ceiling_in_ml() -> None:
    plan = make_plan(PlanRequest(PATIENT, (PIGMENTATION,)), default_knowledge())
    # The volume is not established, so the amount is not either; the ceiling is, as mL.
    assert [(v.lidocaine_mg, v.lidocaine_max_mg, v.lidocaine_max_ml) for v in plan.visits] == [
        (None, 270.0, 27.0)
    ] * 3
    assert [f.code for f in plan.findings] == ["lidocaine_dose_unchecked"]


def test_plain_lidocaines_lower_ceiling_bounds_a_plan_with_both() -> None:
    kb = with_anaesthetic(KB_WITH_VOLUMES, "pigmentation.face", "lidocaine_adrenaline")
    plan = make_plan(PlanRequest(PATIENT, (PIGMENTATION, HAIR)), kb)
    # 4.5 mg/kg x 60 kg = 270 mg; day 0 holds 200 mg of each, 400 mg: one is left out.
    first = plan.visits[0]
    assert first.lidocaine_max_mg == 270.0
    assert first.lidocaine_mg is not None
    assert first.lidocaine_mg <= 270.0
    (finding,) = [f for f in plan.findings if f.code == "lidocaine_reduced"]
    assert "(lidocaine: 4.5 mg/kg, at most 300 mg)" in finding.message


def test_an_allergy_to_amide_anaesthetics_leaves_out_both() -> None:
    kb = with_anaesthetic(KB_WITH_VOLUMES, "pigmentation.face", "lidocaine_adrenaline")
    patient = dataclasses.replace(PATIENT, allergies=("amide_local_anaesthetics",))
    plan = make_plan(PlanRequest(patient, (PIGMENTATION, HAIR)), kb)
    assert {s.code for a in plan.areas for s in a.substances}.isdisjoint(
        {"lidocaine", "lidocaine_adrenaline"}
    )
    assert all(v.lidocaine_mg == 0.0 for v in plan.visits)
