"""The memo in ``planning.index`` never returns what a fresh computation would not."""

from __future__ import annotations

import dataclasses

from hypothesis import given

from mesoclinic.planning.engine import make_plan
from mesoclinic.planning.index import knowledge_index
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.knowledge_model import Knowledge, Sourced
from mesoclinic.planning.model import ConcernRequest, Patient, PlanRequest, Sex
from mesoclinic.planning.tests.strategies import plan_requests
from mesoclinic.planning.tests.test_engine_properties import SETTINGS

KB = default_knowledge()


@SETTINGS
@given(plan_requests(KB), plan_requests(KB))
def test_a_memoised_plan_equals_a_fresh_one(first: PlanRequest, second: PlanRequest) -> None:
    make_plan(first, KB)  # fills the memo with whatever the first request needs
    warm = make_plan(second, KB)
    knowledge_index(KB).memo.clear()
    assert make_plan(second, KB) == warm


def _with_points(knowledge: Knowledge, count: float) -> Knowledge:
    protocols = tuple(
        dataclasses.replace(p, points={z: Sourced(count, ("R24",)) for z in p.zones})
        for p in knowledge.protocols
    )
    return dataclasses.replace(knowledge, protocols=protocols)


def test_two_knowledge_values_never_share_memoised_areas() -> None:
    request = PlanRequest(
        Patient(age=40, sex=Sex.MALE), (ConcernRequest("skin_quality", ("cheeks",)),)
    )
    ten, twenty = _with_points(KB, 10), _with_points(KB, 20)
    for _ in range(2):  # alternate, so that a shared memo would answer the other's area
        assert [a.points for a in make_plan(request, ten).areas] == [10]
        assert [a.points for a in make_plan(request, twenty).areas] == [20]
