"""plan_edit: one value at a time, with a reason; the engine's original is never touched."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action
from mesoclinic.consultations import services as consultation_services
from mesoclinic.consultations.tests.helpers import events, make_consultation, make_plan
from mesoclinic.core.errors import Invalid
from mesoclinic.patients.models import Patient
from mesoclinic.plans import edits, services
from mesoclinic.plans.models import PlanEdit, StoredPlan


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    return make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)


def _edit(
    plan: StoredPlan, actor: User, path: str, value: object, reason: str = "Measured on ultrasound"
) -> PlanEdit:
    with acting_as(actor):
        return services.plan_edit(
            plan_id=plan.pk, path=path, value=value, reason=reason, actor=actor
        )


def test_it_applies_the_edit_to_current_only_and_records_old_and_new(
    plan: StoredPlan, practitioner_a: User
) -> None:
    original = copy.deepcopy(plan.engine_output)
    assert plan.current["areas"][0]["points"] is None
    edit = _edit(plan, practitioner_a, "areas[0].points", 20)
    _edit(plan, practitioner_a, "areas[0].depth_mm.target", 0.7)
    stored = StoredPlan.objects.get(pk=plan.pk)
    assert stored.engine_output == original
    assert stored.current["areas"][0]["points"] == 20
    assert stored.current["areas"][0]["depth_mm"] == {
        **original["areas"][0]["depth_mm"],
        "target": 0.7,
    }
    edit.refresh_from_db()
    assert (edit.path, edit.old_value, edit.new_value) == ("areas[0].points", None, 20)
    assert edit.reason == "Measured on ultrasound"
    assert edit.edited_by == practitioner_a
    updates = events(object_type="plan", action=Action.UPDATE)
    assert [e.detail["path"] for e in updates] == ["areas[0].points", "areas[0].depth_mm.target"]
    assert all(
        e.actor == practitioner_a and e.patient_id == plan.consultation.patient_id for e in updates
    )


@pytest.mark.parametrize(
    ("path", "value", "stored"),
    [
        ("areas[1].volume_per_point_ml", 0.05, 0.05),
        ("areas[0].spacing_mm", 10, 10.0),
        ("courses[0].sessions", 4, 4),
        ("courses[0].maintenance.review_after_weeks", 16, 16),
        ("areas[0].substances[0].concentration", "  4 mg/mL  ", "4 mg/mL"),
        ("areas[0].technique", "papule", "papule"),
        ("areas[0].angle_deg", 45, 45),
        ("visits[0].date", "2027-01-12", "2027-01-12"),
    ],
)
def test_it_accepts_each_kind_of_value(
    plan: StoredPlan, practitioner_a: User, path: str, value: object, stored: object
) -> None:
    edit = _edit(plan, practitioner_a, path, value)
    assert edit.new_value == stored


def test_it_sets_a_depth_the_engine_left_unestablished_as_a_whole(
    plan: StoredPlan, practitioner_a: User
) -> None:
    scalp = next(i for i, a in enumerate(plan.current["areas"]) if a["zone"] == "scalp")
    assert plan.current["areas"][scalp]["depth_mm"] is None
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, f"areas[{scalp}].depth_mm.target", 1.2)
    assert caught.value.errors["path"][0] == (
        f'path: "areas[{scalp}].depth_mm.target" is not in this plan: '
        f"areas[{scalp}].depth_mm is not set "
        f'(did you mean "areas[{scalp}].depth_mm"?)'
    )
    edit = _edit(
        plan, practitioner_a, f"areas[{scalp}].depth_mm", {"target": 1.2, "min": 1, "max": 1.5}
    )
    assert edit.new_value == {"target": 1.2, "min": 1.0, "max": 1.5}


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_it_refuses_an_edit_without_a_reason(
    plan: StoredPlan, practitioner_a: User, reason: str
) -> None:
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, "areas[0].points", 20, reason=reason)
    assert caught.value.errors == {
        "reason": [f"reason: an edit needs a reason, got {__import__('json').dumps(reason)}"]
    }
    assert not PlanEdit.objects.exists()
    assert StoredPlan.objects.get(pk=plan.pk).current == plan.engine_output


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("areas[0].pionts", '"areas[0].pionts" is not an editable value of a plan'),
        ("verdict", '"verdict" is not an editable value of a plan'),
        ("areas[0].zone", '"areas[0].zone" is not an editable value of a plan'),
        (
            "areas[9].points",
            '"areas[9].points" is not in this plan: areas has 3 item(s) (did you mean '
            '"areas[2].points"?)',
        ),
        (
            "areas[0].substances[5].concentration",
            '"areas[0].substances[5].concentration" is not in this plan: areas[0].substances has '
            '1 item(s) (did you mean "areas[0].substances[0].concentration"?)',
        ),
        ("areas[0]..points", '"areas[0]..points" is not an editable value of a plan'),
        ("__class__", '"__class__" is not an editable value of a plan'),
    ],
)
def test_it_refuses_a_bad_path_naming_it(
    plan: StoredPlan, practitioner_a: User, path: str, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, path, 20)
    assert caught.value.errors == {"path": [f"path: {message}"]}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "areas[0].points",
            20.5,
            "areas[0].points must be a whole number from 1 to 100000, got 20.5",
        ),
        ("areas[0].points", 0, "areas[0].points must be a whole number from 1 to 100000, got 0"),
        (
            "areas[0].points",
            True,
            "areas[0].points must be a whole number from 1 to 100000, got true",
        ),
        (
            "areas[0].points",
            "20",
            'areas[0].points must be a whole number from 1 to 100000, got "20"',
        ),
        (
            "areas[0].volume_per_point_ml",
            -0.1,
            "areas[0].volume_per_point_ml must be a number greater than 0 (at most 100000), got "
            "-0.1",
        ),
        (
            "areas[0].angle_deg",
            120,
            "areas[0].angle_deg must be a whole number of degrees from 1 to 90, got 120",
        ),
        (
            "areas[0].technique",
            "stabbing",
            "areas[0].technique must be one of microdroplet, papule, nappage, point_by_point, "
            'linear_retrograde, subcutaneous_grid, got "stabbing"',
        ),
        (
            "areas[0].substances[0].concentration",
            "",
            'areas[0].substances[0].concentration must be text of 1 to 500 characters, got ""',
        ),
        (
            "visits[0].date",
            "2027-02-30",
            'visits[0].date must be a date YYYY-MM-DD, got "2027-02-30"',
        ),
        (
            "areas[0].depth_mm.target",
            5.0,
            "areas[0].depth_mm.target: a depth needs min <= target <= max, got min 0.45, target "
            "5.0, max 0.85",
        ),
        (
            "courses[0].sessions",
            None,
            "courses[0].sessions must be a whole number from 1 to 100000, got null",
        ),
    ],
)
def test_it_refuses_a_value_of_the_wrong_kind(
    plan: StoredPlan, practitioner_a: User, path: str, value: object, message: str
) -> None:
    if "depth_mm.target" in path:
        message = message.replace("0.45", str(plan.current["areas"][0]["depth_mm"]["min"])).replace(
            "0.85", str(plan.current["areas"][0]["depth_mm"]["max"])
        )
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, path, value)
    assert caught.value.errors == {"value": [f"value: {message}"]}


def test_it_reports_a_missing_reason_and_a_bad_value_together(
    plan: StoredPlan, practitioner_a: User
) -> None:
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, "areas[0].points", -1, reason="")
    assert set(caught.value.errors) == {"reason", "value"}


def test_it_refuses_an_edit_that_changes_nothing(plan: StoredPlan, practitioner_a: User) -> None:
    sessions = plan.current["courses"][0]["sessions"]
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, "courses[0].sessions", sessions)
    assert caught.value.errors == {"value": [f"value: courses[0].sessions is already {sessions}"]}


def test_it_refuses_edits_once_the_consultation_is_completed(
    plan: StoredPlan, practitioner_a: User
) -> None:
    with acting_as(practitioner_a):
        if plan.awaits_prescriber:
            services.plan_sign(actor=practitioner_a, plan_id=plan.pk)
        consultation_services.consultation_complete(
            consultation_id=plan.consultation.pk, actor=practitioner_a
        )
    with pytest.raises(Invalid) as caught:
        _edit(plan, practitioner_a, "areas[0].points", 20)
    assert list(caught.value.errors) == ["status"]


def test_the_database_refuses_a_blank_reason(plan: StoredPlan, practitioner_a: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanEdit.objects.create(
            plan=plan, path="areas[0].points", new_value=1, reason="  ", edited_by=practitioner_a
        )


def test_the_volume_follows_points_and_volume_per_point(
    plan: StoredPlan, practitioner_a: User
) -> None:
    zone = plan.current["areas"][0]["zone"]
    _edit(plan, practitioner_a, "areas[0].points", 20)
    assert StoredPlan.objects.get(pk=plan.pk).current["areas"][0]["volume_ml"] is None
    _edit(plan, practitioner_a, "areas[0].volume_per_point_ml", 0.05)
    current = StoredPlan.objects.get(pk=plan.pk).current
    assert current["areas"][0]["volume_ml"] == 1.0
    _edit(plan, practitioner_a, "areas[0].points", 30)
    current = StoredPlan.objects.get(pk=plan.pk).current
    assert current["areas"][0]["volume_ml"] == 1.5
    volumes = {a["zone"]: a["volume_ml"] for a in current["areas"]}
    treating = [visit for visit in current["visits"] if zone in visit["zones"]]
    assert treating
    for visit in treating:
        shares = [volumes[z] for z in visit["zones"]]
        expected = None if None in shares else round(sum(shares), 3)
        assert visit["volume_ml"] == expected
    # The engine's own plan is kept as it was.
    assert StoredPlan.objects.get(pk=plan.pk).engine_output["areas"][0]["volume_ml"] is None


def test_a_visit_of_one_zone_takes_that_zones_volume() -> None:
    current: dict[str, Any] = {
        "areas": [{"zone": "scalp", "points": 10, "volume_per_point_ml": None, "volume_ml": None}],
        "visits": [{"zones": ["scalp"], "volume_ml": None}, {"zones": ["neck"], "volume_ml": 2.0}],
    }
    updated, _, _ = edits.apply_edit(current, "areas[0].volume_per_point_ml", 0.1)
    assert updated["areas"][0]["volume_ml"] == 1.0
    assert updated["visits"] == [
        {"zones": ["scalp"], "volume_ml": 1.0},
        {"zones": ["neck"], "volume_ml": 2.0},
    ]
    assert current["areas"][0]["volume_ml"] is None  # the input is not changed
