"""The role x site matrix of every consultations page, with its audit events.

Reads need VIEW_CLINICAL (practitioner, manager), writes EDIT_CLINICAL (practitioner only); the
receptionist gets 403, site B's practitioner 404 for site A's records, the anonymous visitor a
redirect to sign in, and an unsupported method 405.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.tests.helpers import (
    make_consultation,
    make_plan,
    sign_if_needed,
    url,
)
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanEdit, StoredPlan


@dataclass(frozen=True)
class Page:
    name: str
    method: str  # the method of the happy path
    write: bool
    wrong_method: str
    object_type: str
    data: tuple[tuple[str, str], ...] = ()


PAGES = [
    Page("list", "get", False, "post", "consultation"),
    Page("create", "get", True, "put", "consultation"),
    Page("detail", "get", False, "post", "consultation"),
    Page("edit", "get", True, "put", "consultation"),
    Page("complete", "post", True, "get", "consultation"),
    Page("plan_generate", "post", True, "get", "consultation"),
    Page("plan", "get", False, "post", "plan"),
    Page("plan_edit", "get", True, "put", "plan"),
    Page("plan_print", "get", False, "post", "plan"),
]


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    # Signed by its prescriber, so that completing the consultation is allowed.
    plan = make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)
    return sign_if_needed(plan, practitioner_a)


def _url(page: Page, plan: StoredPlan) -> str:
    if page.name in ("list", "create"):
        return url(page.name, patient=plan.consultation.patient)
    if page.object_type == "plan":
        return url(page.name, plan=plan)
    return url(page.name, plan.consultation)


def _send(client: Client, method: str, target: str) -> Any:
    return getattr(client, method)(target)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_serves_the_practitioner(
    page: Page, plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    before = AuditEvent.objects.count()
    response = _send(client_for(practitioner_a), page.method, _url(page, plan))
    assert response.status_code in ((200,) if page.method == "get" else (302,)), response.content[
        :500
    ]
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[before:]
    assert new, "every page reads or writes patient data, so it leaves an audit event"
    assert all(e.outcome == Outcome.ALLOWED and e.actor == practitioner_a for e in new)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_lets_the_manager_read_but_not_write(
    page: Page, plan: StoredPlan, manager_a: User, client_for: Callable[[User], Client]
) -> None:
    response = _send(client_for(manager_a), page.method, _url(page, plan))
    if page.write:
        assert response.status_code == 403
        event = AuditEvent.objects.order_by("-id").first()
        assert event is not None
        assert event.outcome == Outcome.DENIED
        assert event.detail == {"reason": "missing:edit_clinical"}
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_refuses_the_receptionist(
    page: Page, plan: StoredPlan, receptionist_a: User, client_for: Callable[[User], Client]
) -> None:
    response = _send(client_for(receptionist_a), page.method, _url(page, plan))
    assert response.status_code == 403
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert event.outcome == Outcome.DENIED
    assert event.actor == receptionist_a


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_hides_another_sites_records(
    page: Page, plan: StoredPlan, practitioner_b: User, client_for: Callable[[User], Client]
) -> None:
    response = _send(client_for(practitioner_b), page.method, _url(page, plan))
    assert response.status_code == 404
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert event.outcome == Outcome.DENIED
    assert event.detail == {"reason": "other_site"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_sends_the_anonymous_visitor_to_sign_in(page: Page, plan: StoredPlan) -> None:
    response = _send(Client(), page.method, _url(page, plan))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_it_refuses_a_wrong_method(
    page: Page, plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = _send(client_for(practitioner_a), page.wrong_method, _url(page, plan))
    assert response.status_code == 405


def test_it_hides_a_consultation_under_another_patients_url(
    plan: StoredPlan, practitioner_a: User, site_a: Site, client_for: Callable[[User], Client]
) -> None:
    other = Patient.objects.create(
        site=plan.consultation.site,
        given_name="Ola",
        family_name="Other",
        date_of_birth=plan.consultation.patient.date_of_birth,
    )
    client = client_for(practitioner_a)
    consultation = plan.consultation
    target = f"/patients/{other.pk}/consultations/{consultation.pk}/"
    assert client.get(target).status_code == 404
    other_patients = f"/patients/{other.pk}/consultations/{consultation.pk}/plans/{plan.pk}/"
    assert client.get(other_patients).status_code == 404
    missing = consultation.pk + 99
    wrong_consultation = f"/patients/{other.pk}/consultations/{missing}/plans/{plan.pk}/"
    assert client.get(wrong_consultation).status_code == 404
    assert client.get(f"/patients/999999/consultations/{consultation.pk}/").status_code == 404
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, action=Action.VIEW)
    assert denied.count() == 4


def test_the_print_view_is_audited_as_print(
    plan: StoredPlan, manager_a: User, client_for: Callable[[User], Client]
) -> None:
    client_for(manager_a).get(url("plan_print", plan=plan))
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        Action.PRINT,
        "plan",
        str(plan.pk),
        manager_a,
    )


# Valid input for each writing page, so that only the patient's archived state refuses it.
_WRITE_DATA: dict[str, dict[str, Any]] = {
    "create": {"held_at": "2027-07-01T09:15", "needle_fear": "none", "concern_hair_loss": "scalp"},
    "edit": {"held_at": "2027-07-01T09:15", "needle_fear": "none", "concern_hair_loss": "scalp"},
    "complete": {},
    "plan_generate": {},
    "plan_edit": {"path": "areas[0].points", "value": "30", "reason": "Measured"},
    "plan_sign": {"reviewed": "yes"},
}


@pytest.mark.parametrize("name", list(_WRITE_DATA))
def test_it_answers_409_for_every_write_to_an_archived_patient(
    name: str, plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    page = next((p for p in PAGES if p.name == name), Page(name, "post", True, "get", "plan"))
    Patient.objects.filter(pk=plan.consultation.patient_id).update(archived_at=timezone.now())
    plan.consultation.refresh_from_db()
    before = (plan.consultation.updated_at, StoredPlan.objects.count(), PlanEdit.objects.count())

    response = client_for(practitioner_a).post(_url(page, plan), _WRITE_DATA[name])

    assert response.status_code == 409
    assert "is archived: the record is read-only" in response.content.decode()
    consultation = Consultation.objects.order_by("-id").first()
    assert consultation is not None
    assert consultation.pk == plan.consultation.pk
    after = (consultation.updated_at, StoredPlan.objects.count(), PlanEdit.objects.count())
    assert after == before
    assert consultation.status == "draft"
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.outcome, event.detail) == (Outcome.DENIED, {"reason": "archived"})
