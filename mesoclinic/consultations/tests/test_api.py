"""``/api/v1/consultations``: the access matrix, the flows, and the 422 envelopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.tests.helpers import CONCERNS, make_consultation, make_plan
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanEdit, StoredPlan

API = "/api/v1/consultations"


def api_client(user: User | None) -> Client:
    if user is None:
        return Client()
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    return make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    write: bool
    wrong_method: str
    happy: int


ENDPOINTS = [
    Endpoint("list", "get", False, "delete", 200),
    Endpoint("create", "post", True, "put", 201),
    Endpoint("get", "get", False, "post", 200),
    Endpoint("generate", "post", True, "delete", 201),
    Endpoint("plans", "get", False, "delete", 200),
    Endpoint("edit", "post", True, "get", 201),
]


def _call(client: Client, endpoint: Endpoint, plan: StoredPlan, method: str | None = None) -> Any:
    consultation = plan.consultation
    path, body = {
        "list": (f"{API}?patient_id={consultation.patient_id}", None),
        "create": (API, {"patient_id": consultation.patient_id, "concerns": CONCERNS}),
        "get": (f"{API}/{consultation.pk}", None),
        "generate": (f"{API}/{consultation.pk}/plans", {}),
        "plans": (f"{API}/{consultation.pk}/plans", None),
        "edit": (
            f"{API}/plans/{plan.pk}/edits",
            {"path": "areas[0].points", "value": 20, "reason": "measured"},
        ),
    }[endpoint.name]
    send = getattr(client, method or endpoint.method)
    if body is None:
        return send(path)
    return send(path, body, content_type="application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_serves_the_practitioner(
    endpoint: Endpoint, plan: StoredPlan, practitioner_a: User
) -> None:
    client = api_client(practitioner_a)
    before = AuditEvent.objects.count()
    response = _call(client, endpoint, plan)
    assert response.status_code == endpoint.happy, response.content
    new = [
        e
        for e in AuditEvent.objects.order_by("id")[before:]
        if e.object_type in ("consultation", "plan")
    ]
    assert new
    assert all(e.actor == practitioner_a and e.outcome == Outcome.ALLOWED for e in new)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_lets_the_manager_read_only(
    endpoint: Endpoint, plan: StoredPlan, manager_a: User
) -> None:
    response = _call(api_client(manager_a), endpoint, plan)
    assert response.status_code == (403 if endpoint.write else 200)
    if endpoint.write:
        assert response.json() == {"error": "Your role may not edit clinical."}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_refuses_the_receptionist(
    endpoint: Endpoint, plan: StoredPlan, receptionist_a: User
) -> None:
    response = _call(api_client(receptionist_a), endpoint, plan)
    assert response.status_code == 403
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert event.outcome == Outcome.DENIED
    assert event.actor == receptionist_a


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_hides_another_sites_records(
    endpoint: Endpoint, plan: StoredPlan, practitioner_b: User
) -> None:
    response = _call(api_client(practitioner_b), endpoint, plan)
    assert response.status_code == 404
    assert AuditEvent.objects.order_by("-id").first().detail == {"reason": "other_site"}  # type: ignore[union-attr]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_refuses_anonymous_callers(endpoint: Endpoint, plan: StoredPlan) -> None:
    assert _call(api_client(None), endpoint, plan).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_it_refuses_a_wrong_method(
    endpoint: Endpoint, plan: StoredPlan, practitioner_a: User
) -> None:
    assert (
        _call(api_client(practitioner_a), endpoint, plan, endpoint.wrong_method).status_code == 405
    )


def test_the_full_flow_create_generate_edit_read(patient_a: Patient, practitioner_a: User) -> None:
    client = api_client(practitioner_a)
    created = client.post(
        API,
        {
            "patient_id": patient_a.pk,
            "held_at": "2027-01-10T10:30:00+00:00",
            "allergies": ["lidocaine"],
            "weight_kg": 61.5,
            "childbearing_potential": False,
            "concerns": CONCERNS,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["weight_kg"] == 61.5
    assert body["concerns"] == CONCERNS
    consultation_id = body["id"]
    generated = client.post(
        f"{API}/{consultation_id}/plans",
        {"start_date": "2027-02-01"},
        content_type="application/json",
    )
    assert generated.status_code == 201
    plan = generated.json()
    assert plan["engine_output"] == plan["current"]
    assert plan["edits"] == []
    assert plan["knowledge_version"] == plan["engine_output"]["knowledge_version"]
    assert plan["request"]["start_date"] == "2027-02-01"
    edited = client.post(
        f"{API}/plans/{plan['id']}/edits",
        {"path": "areas[0].volume_per_point_ml", "value": 0.05, "reason": "Lee 2006 protocol"},
        content_type="application/json",
    )
    assert edited.status_code == 201
    edit = edited.json()
    assert (edit["path"], edit["old_value"], edit["new_value"], edit["reason"]) == (
        "areas[0].volume_per_point_ml",
        None,
        0.05,
        "Lee 2006 protocol",
    )
    plans = client.get(f"{API}/{consultation_id}/plans").json()
    assert plans[0]["current"]["areas"][0]["volume_per_point_ml"] == 0.05
    assert plans[0]["engine_output"]["areas"][0]["volume_per_point_ml"] is None
    assert [e["id"] for e in plans[0]["edits"]] == [edit["id"]]
    assert client.get(f"{API}/{consultation_id}").json()["id"] == consultation_id


def test_it_answers_bad_codes_with_the_envelope(patient_a: Patient, practitioner_a: User) -> None:
    response = api_client(practitioner_a).post(
        API,
        {
            "patient_id": patient_a.pk,
            "conditions": ["diabetis"],
            "concerns": [{"concern": "acne", "zones": ["chin"]}],
            "fitzpatrick_type": "VII",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid input",
        "fields": {
            "conditions": [
                'conditions[0]: unknown condition "diabetis" (did you mean "diabetes"?)'
            ],
            "concerns": [
                'concerns[0].concern: unknown concern "acne" (did you mean "acne_scarring"?)'
            ],
        },
    }
    assert not Consultation.objects.exists()


def test_it_answers_bad_edits_with_the_envelope(plan: StoredPlan, practitioner_a: User) -> None:
    response = api_client(practitioner_a).post(
        f"{API}/plans/{plan.pk}/edits",
        {"path": "areas[0].pionts", "value": "many", "reason": " "},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid input",
        "fields": {
            "reason": ['reason: an edit needs a reason, got " "'],
            "path": ['path: "areas[0].pionts" is not an editable value of a plan'],
        },
    }
    assert not PlanEdit.objects.exists()


def test_it_refuses_a_naive_time(patient_a: Patient, practitioner_a: User) -> None:
    response = api_client(practitioner_a).post(
        API,
        {"patient_id": patient_a.pk, "held_at": "2027-01-10T10:30:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"]["held_at"] == [
        'held_at: give a UTC offset, e.g. 2027-01-11T10:00:00+00:00, got "2027-01-10T10:30:00"'
    ]


def test_the_api_audits_reads_once_each(plan: StoredPlan, practitioner_a: User) -> None:
    client = api_client(practitioner_a)
    before = AuditEvent.objects.count()
    client.get(f"{API}/{plan.consultation_id}")
    client.get(f"{API}/{plan.consultation_id}/plans")
    new = list(AuditEvent.objects.order_by("id")[before:].values_list("action", "object_type"))
    assert [n for n in new if n[1] in ("consultation", "plan")] == [
        (Action.VIEW, "consultation"),
        (Action.LIST, "plan"),
    ]


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.write], ids=lambda e: e.name)
def test_it_answers_409_for_every_write_to_an_archived_patient(
    endpoint: Endpoint, plan: StoredPlan, practitioner_a: User
) -> None:
    Patient.objects.filter(pk=plan.consultation.patient_id).update(archived_at=timezone.now())
    counts = (Consultation.objects.count(), StoredPlan.objects.count(), PlanEdit.objects.count())

    response = _call(api_client(practitioner_a), endpoint, plan)

    assert response.status_code == 409
    assert set(response.json()) == {"error"}
    assert "archived" in response.json()["error"]
    assert counts == (
        Consultation.objects.count(),
        StoredPlan.objects.count(),
        PlanEdit.objects.count(),
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.outcome, event.detail) == (Outcome.DENIED, {"reason": "archived"})
