"""plan_generate: runs the engine on the stored consultation and keeps the original."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action
from mesoclinic.consultations.tests.helpers import events, make_consultation, make_plan
from mesoclinic.core.errors import Invalid
from mesoclinic.patients.models import Patient
from mesoclinic.planning.engine import make_plan as engine_plan
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.planning.render import plan_to_dict
from mesoclinic.planning.request import parse_request
from mesoclinic.plans.models import StoredPlan


def test_it_stores_the_engines_plan_for_the_request_it_sent(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(patient_a, practitioner_a, allergies=["lidocaine"])
    plan = make_plan(consultation, practitioner_a)
    stored = StoredPlan.objects.get(pk=plan.pk)
    knowledge = default_knowledge()
    expected = plan_to_dict(
        engine_plan(parse_request(stored.request, knowledge), knowledge), knowledge
    )
    assert stored.engine_output == expected
    assert stored.current == expected
    assert stored.knowledge_version == knowledge.version == expected["knowledge_version"]
    assert stored.request["patient"]["age"] == 42
    assert stored.request["patient"]["allergies"] == ["lidocaine"]
    assert stored.request["start_date"] == "2027-01-11"  # the day after 10 January
    assert {area["zone"] for area in stored.current["areas"]} == {"cheeks", "forehead", "scalp"}
    [event] = events(object_type="plan", action=Action.CREATE)
    assert event.object_id == str(plan.pk)
    assert event.patient_id == patient_a.pk
    assert event.detail == {
        "consultation_id": consultation.pk,
        "knowledge_version": knowledge.version,
        "verdict": expected["verdict"],
        "status": plan.status,
    }


def test_it_takes_a_chosen_start_date(patient_a: Patient, practitioner_a: User) -> None:
    plan = make_plan(
        make_consultation(patient_a, practitioner_a), practitioner_a, start_date=dt.date(2027, 2, 1)
    )
    assert plan.request["start_date"] == "2027-02-01"
    assert plan.current["visits"][0]["date"] == "2027-02-01"


def test_it_refuses_a_start_before_the_consultation(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    with pytest.raises(Invalid) as caught:
        make_plan(consultation, practitioner_a, start_date=dt.date(2027, 1, 9))
    assert caught.value.errors == {
        "start_date": [
            "start_date: the first visit cannot be before the consultation (2027-01-10), got "
            "2027-01-09"
        ]
    }


def test_it_refuses_a_consultation_without_concerns(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(patient_a, practitioner_a, concerns=[])
    with pytest.raises(Invalid) as caught:
        make_plan(consultation, practitioner_a)
    assert list(caught.value.errors) == ["concerns"]
    assert not StoredPlan.objects.exists()


def test_it_plans_an_under_18_as_turned_away_not_as_an_error(
    site_a: Site, practitioner_a: User
) -> None:
    young = Patient.objects.create(
        site=site_a,
        given_name="Tia",
        family_name="Young",
        date_of_birth=dt.date(2010, 5, 1),
        sex="female",
    )
    plan = make_plan(make_consultation(young, practitioner_a), practitioner_a)
    assert plan.request["patient"]["age"] == 16
    assert plan.current["verdict"] == "not_suitable"
    assert plan.current["areas"] == []
