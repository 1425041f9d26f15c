"""Prescription-only medicines need a prescriber: drafted by anyone, signed by a prescriber.

A plan with a prescription-only substance stays "awaiting prescriber" until a prescriber
reviews and signs it (who, when, registration number); only then can its consultation be
completed. A nurse who is not a prescriber may generate and edit it, never sign it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import _staff
from mesoclinic.consultations import services as consultation_services
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.consultations.tests.test_api import api_client
from mesoclinic.core.errors import Forbidden, Invalid
from mesoclinic.patients.models import Patient
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.plans import services
from mesoclinic.plans.models import PlanStatus, StoredPlan
from mesoclinic.plans.prescribing import prescription_only_substances

pytestmark = pytest.mark.django_db

NO_POM = [{"concern": "skin_quality", "zones": ["cheeks"]}]  # hyaluronic acid only
POM = [{"concern": "pigmentation", "zones": ["cheeks"]}]  # tranexamic acid


@pytest.fixture
def nurse_a(site_a: Site) -> User:
    return _staff("nora_nurse", Role.PRACTITIONER, site_a)


@pytest.fixture
def drafted(patient_a: Patient, nurse_a: User) -> StoredPlan:
    """A plan with a prescription-only medicine, drafted by a nurse who is not a prescriber."""
    return make_plan(make_consultation(patient_a, nurse_a, concerns=POM), nurse_a)


def _sign(plan: StoredPlan, actor: User) -> StoredPlan:
    with acting_as(actor):
        return services.plan_sign(actor=actor, plan_id=plan.pk)


def _complete(plan: StoredPlan, actor: User) -> None:
    with acting_as(actor):
        consultation_services.consultation_complete(
            consultation_id=plan.consultation_id, actor=actor
        )


# --- the rule --------------------------------------------------------------------------------


def test_it_reads_the_engines_mark_then_the_knowledge_base() -> None:
    knowledge = default_knowledge()
    plan = {
        "areas": [
            {"substances": [{"code": "hyaluronic_acid_non_crosslinked"}, {"code": "lidocaine"}]},
            {"substances": [{"code": "lidocaine", "prescription_only": True}]},
            {"substances": [{"code": "tranexamic_acid", "prescription_only": False}]},
            {"substances": [{"code": "no_such_substance"}]},
        ]
    }
    # Unmarked: the knowledge base says; marked: the mark says; unknown: prescription-only.
    assert prescription_only_substances(plan, knowledge) == ["lidocaine", "no_such_substance"]
    assert prescription_only_substances({"areas": []}, knowledge) == []


def test_a_plan_without_prescription_only_medicines_is_ready(
    patient_a: Patient, nurse_a: User
) -> None:
    plan = make_plan(make_consultation(patient_a, nurse_a, concerns=NO_POM), nurse_a)
    assert plan.status == PlanStatus.READY
    _complete(plan, nurse_a)  # nothing to sign


# --- drafting, signing, completing -----------------------------------------------------------


def test_a_nurse_drafts_and_edits_but_the_plan_awaits_a_prescriber(
    drafted: StoredPlan, nurse_a: User
) -> None:
    assert drafted.status == PlanStatus.AWAITING_PRESCRIBER
    with acting_as(nurse_a):
        services.plan_edit(
            actor=nurse_a, plan_id=drafted.pk, path="areas[0].points", value=12, reason="Small area"
        )
    drafted.refresh_from_db()
    assert drafted.status == PlanStatus.AWAITING_PRESCRIBER

    with pytest.raises(Invalid) as caught:
        _complete(drafted, nurse_a)
    assert list(caught.value.errors) == ["plan"]
    assert "awaits a prescriber's signature" in caught.value.errors["plan"][0]


def test_a_nurse_cannot_sign(drafted: StoredPlan, nurse_a: User) -> None:
    with pytest.raises(Forbidden, match="not a prescriber"):
        _sign(drafted, nurse_a)

    drafted.refresh_from_db()
    assert (drafted.status, drafted.signed_by) == (PlanStatus.AWAITING_PRESCRIBER, None)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.outcome, event.detail) == (
        Action.SIGN,
        Outcome.DENIED,
        {"reason": "not_prescriber"},
    )


@time_machine.travel("2027-01-11 09:30:00+00:00", tick=False)
def test_a_prescriber_signs_with_who_when_and_registration(
    drafted: StoredPlan, practitioner_a: User, nurse_a: User
) -> None:
    signed = _sign(drafted, practitioner_a)

    stored = StoredPlan.objects.get(pk=drafted.pk)
    assert stored.status == PlanStatus.SIGNED
    assert stored.signed_by == practitioner_a
    assert stored.signed_at is not None
    assert stored.signed_at.isoformat() == "2027-01-11T09:30:00+00:00"
    assert stored.signer_registration == "NMC 12A3456E"
    assert signed.status == PlanStatus.SIGNED
    event = AuditEvent.objects.filter(action=Action.SIGN, object_type="plan").get()
    assert (event.actor, event.outcome) == (practitioner_a, Outcome.ALLOWED)
    assert event.detail == {
        "registration_number": "NMC 12A3456E",
        "substances": ["tranexamic_acid"],
    }
    _complete(drafted, nurse_a)  # signed: the consultation may now be completed


def test_a_plan_that_needs_no_signature_or_has_one_is_not_signed_again(
    drafted: StoredPlan, practitioner_a: User, patient_a: Patient
) -> None:
    _sign(drafted, practitioner_a)
    with pytest.raises(Invalid) as again:
        _sign(drafted, practitioner_a)
    assert (
        "signed by a prescriber; only a plan awaiting a prescriber"
        in again.value.errors["status"][0]
    )

    ready = make_plan(make_consultation(patient_a, practitioner_a, concerns=NO_POM), practitioner_a)
    with pytest.raises(Invalid):
        _sign(ready, practitioner_a)


def test_an_edit_after_signing_needs_a_new_signature(
    drafted: StoredPlan, practitioner_a: User, nurse_a: User
) -> None:
    _sign(drafted, practitioner_a)
    with acting_as(nurse_a):
        services.plan_edit(
            actor=nurse_a, plan_id=drafted.pk, path="areas[0].points", value=12, reason="Small area"
        )

    drafted.refresh_from_db()
    assert (drafted.status, drafted.signed_by, drafted.signed_at, drafted.signer_registration) == (
        PlanStatus.AWAITING_PRESCRIBER,
        None,
        None,
        "",
    )
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="plan").get()
    assert event.detail["signature_cleared_of"] == practitioner_a.pk
    with pytest.raises(Invalid):
        _complete(drafted, nurse_a)


def test_the_database_refuses_a_signature_without_its_prescriber(drafted: StoredPlan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredPlan.objects.filter(pk=drafted.pk).update(status=PlanStatus.SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredPlan.objects.filter(pk=drafted.pk).update(status="approved")


# --- pages -----------------------------------------------------------------------------------


def test_the_plan_page_says_it_awaits_a_prescriber_and_offers_the_prescriber_to_sign(
    drafted: StoredPlan,
    practitioner_a: User,
    nurse_a: User,
    client_for: Callable[[User], Client],
) -> None:
    sign_url = url("plan_sign", plan=drafted)
    as_nurse = client_for(nurse_a).get(url("plan", plan=drafted)).content.decode()
    assert "Awaiting a prescriber:" in as_nurse
    name = default_knowledge().substances["tranexamic_acid"].name
    assert f"contains prescription-only medicines ({name})" in as_nurse
    assert sign_url not in as_nurse
    assert "You are not a prescriber" in as_nurse

    prescriber = client_for(practitioner_a)
    assert sign_url in prescriber.get(url("plan", plan=drafted)).content.decode()
    unticked = prescriber.post(sign_url, {})
    assert unticked.status_code == 302
    drafted.refresh_from_db()
    assert drafted.status == PlanStatus.AWAITING_PRESCRIBER

    assert prescriber.post(sign_url, {"reviewed": "yes"})["Location"] == url("plan", plan=drafted)
    page = prescriber.get(url("plan", plan=drafted)).content.decode()
    assert "Signed by Priya Tester (registration NMC 12A3456E)" in page
    printed = prescriber.get(url("plan_print", plan=drafted)).content.decode()
    assert "Signed by Priya Tester (registration NMC 12A3456E)" in printed


def test_the_sign_page_refuses_a_nurse(
    drafted: StoredPlan, nurse_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(nurse_a).post(url("plan_sign", plan=drafted), {"reviewed": "yes"})
    assert response.status_code == 403
    drafted.refresh_from_db()
    assert drafted.status == PlanStatus.AWAITING_PRESCRIBER


# --- API -------------------------------------------------------------------------------------


def test_the_api_signs_for_a_prescriber_only(
    drafted: StoredPlan, practitioner_a: User, nurse_a: User
) -> None:
    target = f"/api/v1/consultations/plans/{drafted.pk}/signature"

    refused = api_client(nurse_a).post(target)
    assert refused.status_code == 403
    assert "not a prescriber" in refused.json()["error"]

    listed = api_client(nurse_a).get(f"/api/v1/consultations/{drafted.consultation_id}/plans")
    assert listed.json()[0]["status"] == "awaiting_prescriber"
    assert listed.json()[0]["prescription_only"] == ["tranexamic_acid"]

    signed = api_client(practitioner_a).post(target)
    assert signed.status_code == 201
    body = signed.json()
    assert (body["status"], body["signed_by_id"], body["signer_registration"]) == (
        "signed",
        practitioner_a.pk,
        "NMC 12A3456E",
    )
    assert body["signed_at"] is not None
    again = api_client(practitioner_a).post(target)
    assert again.status_code == 422
    assert list(again.json()["fields"]) == ["status"]


def test_the_api_refuses_to_sign_for_an_archived_patient(
    drafted: StoredPlan, practitioner_a: User
) -> None:
    Patient.objects.filter(pk=drafted.consultation.patient_id).update(archived_at=timezone.now())
    response = api_client(practitioner_a).post(
        f"/api/v1/consultations/plans/{drafted.pk}/signature"
    )
    assert response.status_code == 409
