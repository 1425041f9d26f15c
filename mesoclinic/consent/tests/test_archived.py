"""An archived patient's record is read-only, but their photo consent can still be withdrawn."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate, PhotoConsent
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.consent.tests.factories import api_client, give_photo_consent
from mesoclinic.consent.tests.pages import html
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


@pytest.fixture
def archived(practitioner_a: User, patient_a: Patient) -> Patient:
    give_photo_consent(practitioner_a, patient_a)
    patient_a.archived_at = timezone.now()
    patient_a.save()
    return patient_a


def test_it_shows_the_record_read_only(
    client_for: ClientFor, practitioner_a: User, archived: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_a)
    overview = html(client.get(f"/patients/{archived.pk}/consent/"))
    assert "This patient is archived" in overview
    assert "Sign a consent form" not in overview
    assert "Change photo consent" not in overview
    assert "Withdraw all photo consent" in overview
    sign_page = html(client.get(f"/patients/{archived.pk}/consent/sign/mesotherapy_face/"))
    assert 'name="signed_name"' not in sign_page
    assert 'name="marketing"' not in html(client.get(f"/patients/{archived.pk}/consent/photo/"))


def test_it_refuses_signing_and_new_photo_consent(
    client_for: ClientFor, practitioner_a: User, archived: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_a)
    signed = client.post(
        f"/patients/{archived.pk}/consent/sign/mesotherapy_face/",
        {"template_id": face_template.pk, "signed_name": "A", "method": "typed", "confirmed": "on"},
        follow=True,
    )
    assert "is archived: the record is read-only" in html(signed)
    consent = client.post(f"/patients/{archived.pk}/consent/photo/", {"marketing": "on"})
    assert consent.status_code == 302
    assert not ConsentRecord.objects.exists()
    assert PhotoConsent.objects.count() == 1
    reasons = AuditEvent.objects.filter(outcome=Outcome.DENIED).values_list("detail", flat=True)
    assert list(reasons) == [{"reason": "archived"}, {"reason": "archived"}]


def test_it_still_withdraws_photo_consent(
    client_for: ClientFor, practitioner_a: User, archived: Patient
) -> None:
    current = photo_consent_current(archived)
    assert current is not None
    client_for(practitioner_a).post(f"/patients/{archived.pk}/consent/photo/{current.pk}/withdraw/")
    assert photo_consent_current(archived) is None
    assert AuditEvent.objects.filter(action=Action.WITHDRAW).exists()


def test_it_answers_the_api_with_409(
    practitioner_a: User, archived: Patient, face_template: ConsentTemplate
) -> None:
    client = api_client(practitioner_a)
    signed = client.post(
        "/api/v1/consent/records",
        json.dumps(
            {
                "patient_id": archived.pk,
                "template_id": face_template.pk,
                "signed_name": "A",
                "method": "typed",
                "confirmed": True,
            }
        ),
        content_type="application/json",
    )
    assert signed.status_code == 409
    assert "is archived" in signed.json()["error"]
    consent = client.post(
        "/api/v1/consent/photo-consents",
        json.dumps(
            {
                "patient_id": archived.pk,
                "clinical_record": True,
                "teaching": True,
                "marketing": True,
            }
        ),
        content_type="application/json",
    )
    assert consent.status_code == 409
