"""Moving StoredPlan and PlanEdit into the plans app keeps every row (decision 0019)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("consultations", "0001_initial"), ("plans", None)]
MOVE = ("plans", "0001_initial")
AFTER: list[tuple[str, str | None]] = [
    ("consultations", "0002_plans_move_to_plans_app"),
    ("plans", "0001_initial"),
]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _old_state_nodes(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app at its newest migration, except what comes with or after the move: the
    models other apps have gained since are in the state, so their rows can be written."""
    graph = executor.loader.graph
    nodes = [("consultations", "0001_initial")]
    for leaf in graph.leaf_nodes():
        if leaf[0] not in {"consultations", "plans"} and MOVE not in graph.forwards_plan(leaf):
            nodes.append(leaf)
    return nodes


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture(autouse=True)
def _back_to_the_newest() -> Iterator[None]:
    # Whatever happens in the test, the database ends fully migrated for the tests after it.
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_plan_and_its_edit_survive_the_move() -> None:
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(_old_state_nodes(executor)).apps
    Site = old.get_model("accounts", "Site")
    User = old.get_model("accounts", "User")
    Patient = old.get_model("patients", "Patient")
    Consultation = old.get_model("consultations", "Consultation")
    OldPlan = old.get_model("consultations", "StoredPlan")
    OldEdit = old.get_model("consultations", "PlanEdit")
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="consultations", model="storedplan")

    site = Site.objects.create(code="move", name="Move")
    user = User.objects.create(username="mover")
    patient = Patient.objects.create(
        site=site, given_name="Ada", family_name="Move", date_of_birth="1980-01-01"
    )
    consultation = Consultation.objects.create(
        patient=patient, practitioner=user, site=site, concerns=[]
    )
    plan = OldPlan.objects.create(
        consultation=consultation,
        created_by=user,
        knowledge_version="2026.11.1",
        request={"patient": {"age": 45}},
        engine_output={"verdict": "suitable", "areas": [{"points": 20}]},
        current={"verdict": "suitable", "areas": [{"points": 18}]},
    )
    edit = OldEdit.objects.create(
        plan=plan,
        path="areas[0].points",
        old_value=20,
        new_value=18,
        reason="Smaller area",
        edited_by=user,
    )

    new = _migrate(AFTER).loader.project_state(AFTER).apps  # type: ignore[arg-type]
    moved = new.get_model("plans", "StoredPlan").objects.get(pk=plan.pk)
    moved_edit = new.get_model("plans", "PlanEdit").objects.get(pk=edit.pk)

    assert (moved.consultation_id, moved.created_by_id) == (consultation.pk, user.pk)
    assert moved.engine_output == {"verdict": "suitable", "areas": [{"points": 20}]}
    assert moved.current == {"verdict": "suitable", "areas": [{"points": 18}]}
    assert (moved_edit.plan_id, moved_edit.path, moved_edit.reason) == (
        plan.pk,
        "areas[0].points",
        "Smaller area",
    )
    assert (moved_edit.old_value, moved_edit.new_value) == (20, 18)
    types = new.get_model("contenttypes", "ContentType").objects
    assert types.filter(app_label="plans", model="storedplan").exists()
    assert not types.filter(app_label="consultations", model="storedplan").exists()

    # And back: the move is reversible without loss.
    executor = _migrate(BEFORE)
    back = executor.loader.project_state(_old_state_nodes(executor)).apps
    assert back.get_model("consultations", "PlanEdit").objects.get(pk=edit.pk).new_value == 18
