"""No lost updates on plans: an edit made on an older version of the plan is refused with 409.

The plan's version is bumped by every edit and signature and checked in the UPDATE (decision
0031). The edit page carries it in a hidden field; the API takes it as ``If-Match`` and answers
the new version as ``ETag``. Without ``If-Match`` an edit still applies to the plan as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent, Outcome
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.consultations.tests.test_api import API, api_client
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanEdit, StoredPlan

ClientFor = Callable[[User], Client]


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    return make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)


def _forehead(plan: StoredPlan) -> int:
    return next(i for i, a in enumerate(plan.current["areas"]) if a["zone"] == "forehead")


def _edit(client: Client, plan: StoredPlan, path: str, value: Any, **headers: str) -> Any:
    body = {"path": path, "value": value, "reason": "Measured"}
    return client.post(
        f"{API}/plans/{plan.pk}/edits", body, content_type="application/json", headers=headers
    )


def test_the_api_lists_the_version_and_answers_each_edit_with_the_new_etag(
    plan: StoredPlan, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    [listed] = client.get(f"{API}/{plan.consultation_id}/plans").json()
    assert listed["version"] == 1
    i = _forehead(plan)
    first = _edit(client, plan, f"areas[{i}].points", 20, **{"If-Match": '"1"'})
    assert (first.status_code, first["ETag"]) == (201, '"2"')
    second = _edit(client, plan, f"areas[{i}].spacing_mm", 10, **{"If-Match": first["ETag"]})
    assert (second.status_code, second["ETag"]) == (201, '"3"')


def test_a_stale_if_match_edit_answers_409_and_changes_nothing(
    plan: StoredPlan, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    i = _forehead(plan)
    assert _edit(client, plan, f"areas[{i}].points", 20, **{"If-Match": '"1"'}).status_code == 201
    stale = _edit(client, plan, f"areas[{i}].points", 30, **{"If-Match": '"1"'})
    assert (stale.status_code, stale["ETag"]) == (409, '"2"')
    assert "changed by someone else" in stale.json()["error"]
    plan.refresh_from_db()
    assert (plan.current["areas"][i]["points"], plan.version) == (20, 2)
    assert PlanEdit.objects.count() == 1
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED, object_type="plan")
    assert denied.detail["reason"] == "stale_version"


def test_a_signature_bumps_the_version_so_an_edit_made_before_it_is_refused(
    plan: StoredPlan, practitioner_a: User
) -> None:
    if plan.status != "awaiting_prescriber":
        pytest.skip("the plan holds no prescription-only medicine")
    client = api_client(practitioner_a)
    signed = client.post(f"{API}/plans/{plan.pk}/signature")
    assert (signed.status_code, signed["ETag"], signed.json()["version"]) == (201, '"2"', 2)
    stale = _edit(client, plan, f"areas[{_forehead(plan)}].points", 20, **{"If-Match": '"1"'})
    assert stale.status_code == 409
    plan.refresh_from_db()
    assert plan.status == "signed"  # the signature was not cleared by the stale edit


def test_edits_without_if_match_apply_to_the_plan_as_it_is(
    plan: StoredPlan, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    i = _forehead(plan)
    assert _edit(client, plan, f"areas[{i}].points", 20).status_code == 201
    assert _edit(client, plan, f"areas[{i}].spacing_mm", 10).status_code == 201
    plan.refresh_from_db()
    assert (plan.current["areas"][i]["points"], plan.current["areas"][i]["spacing_mm"]) == (20, 10)
    assert plan.version == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_four_concurrent_edits_from_one_version_keep_one_and_answer_409_to_the_others(
    plan: StoredPlan, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    i = _forehead(plan)
    values = [10, 20, 30, 40]
    barrier = threading.Barrier(len(values))
    statuses: dict[int, int] = {}

    def send(value: int) -> None:
        try:
            barrier.wait()
            answer = _edit(client, plan, f"areas[{i}].points", value, **{"If-Match": '"1"'})
            statuses[value] = answer.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(v,)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [201, 409, 409, 409]
    [kept] = [v for v, status in statuses.items() if status == 201]
    plan.refresh_from_db()
    assert (plan.current["areas"][i]["points"], plan.version) == (kept, 2)
    assert PlanEdit.objects.filter(plan=plan).count() == 1


def test_the_edit_page_shows_the_stored_value_beside_the_typed_one_on_a_stale_save(
    client_for: ClientFor, plan: StoredPlan, practitioner_a: User
) -> None:
    path = url("plan_edit", plan=plan)
    mine, theirs = client_for(practitioner_a), client_for(practitioner_a)  # two tabs
    assert '<input type="hidden" name="version" value="1">' in mine.get(path).content.decode()
    field = f"areas[{_forehead(plan)}].points"
    form = {"path": field, "reason": "Area measured", "version": "1"}
    assert theirs.post(path, {**form, "value": "20"}).status_code == 302
    stale = mine.post(path, {**form, "value": "25"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this plan" in html
    assert (
        '<th scope="row">Forehead for Pigmentation (melasma): points</th><td>20</td><td>25</td>'
        in html
    )
    assert '<input type="hidden" name="version" value="2">' in html
    plan.refresh_from_db()
    assert plan.current["areas"][_forehead(plan)]["points"] == 20
    again = mine.post(path, {**form, "value": "25", "version": "2"})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert (plan.current["areas"][_forehead(plan)]["points"], plan.version) == (25, 3)


def test_an_invalid_post_keeps_the_version_it_was_filled_from(
    client_for: ClientFor, plan: StoredPlan, practitioner_a: User
) -> None:
    field = f"areas[{_forehead(plan)}].points"
    form = {"path": field, "value": "20", "reason": "Area measured", "version": "1"}
    assert client_for(practitioner_a).post(url("plan_edit", plan=plan), form).status_code == 302
    invalid = client_for(practitioner_a).post(
        url("plan_edit", plan=plan), {**form, "value": "30", "reason": ""}
    )
    assert invalid.status_code == 422
    assert '<input type="hidden" name="version" value="1">' in invalid.content.decode()
