"""/api/v1/consent: the same rules as the pages, behind bearer tokens, audited alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate, PhotoConsent
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.consent.tests.factories import (
    XSS_TEXT,
    api_client,
    drawn_signature,
    give_photo_consent,
    publish,
    sign,
)
from mesoclinic.patients.models import Patient

API = "/api/v1/consent"


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def sign_body(patient: Patient, template: ConsentTemplate, **fields: Any) -> dict[str, Any]:
    body = {
        "patient_id": patient.pk,
        "template_id": template.pk,
        "signed_name": "Alice Anderson",
        "method": "drawn",
        "signature": drawn_signature(),
        "confirmed": True,
    }
    body.update(fields)
    return body


# --- templates ------------------------------------------------------------------------------


def test_it_lists_and_gets_templates(practitioner_a: User, face_template: ConsentTemplate) -> None:
    client = api_client(practitioner_a)
    listed = client.get(f"{API}/templates").json()
    assert [(t["id"], t["version"], t["is_current"]) for t in listed] == [
        (face_template.pk, 1, True)
    ]
    one = client.get(f"{API}/templates/{face_template.pk}").json()
    assert one["body"] == face_template.body
    assert one["created_by"] == face_template.created_by.username
    assert client.get(f"{API}/templates/999999").status_code == 404


def test_it_publishes_a_template(manager_a: User) -> None:
    response = post(
        api_client(manager_a),
        f"{API}/templates",
        {"treatment": "mesotherapy_scalp", "title": XSS_TEXT, "body": XSS_TEXT},
    )
    assert response.status_code == 201
    assert response.json()["title"] == XSS_TEXT  # JSON carries text as is; pages escape it
    assert ConsentTemplate.objects.get().treatment == "mesotherapy_scalp"


def test_it_refuses_a_blank_template_naming_the_fields(manager_a: User) -> None:
    response = post(
        api_client(manager_a),
        f"{API}/templates",
        {"treatment": "mesotherapy_face", "title": "", "body": ""},
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"title", "body"}


def test_it_refuses_templates_to_roles_without_the_capability(
    receptionist_a: User, practitioner_a: User, face_template: ConsentTemplate
) -> None:
    receptionist = api_client(receptionist_a)
    assert receptionist.get(f"{API}/templates").status_code == 403
    assert receptionist.get(f"{API}/templates/{face_template.pk}").status_code == 403
    body = {"treatment": "mesotherapy_face", "title": "T", "body": "B"}
    # Practitioners take consent; only managers change its wording.
    assert post(api_client(practitioner_a), f"{API}/templates", body).status_code == 403
    assert ConsentTemplate.objects.count() == 1


# --- records --------------------------------------------------------------------------------


def test_it_signs_lists_and_gets_records(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = api_client(practitioner_a)
    response = post(client, f"{API}/records", sign_body(patient_a, face_template))
    assert response.status_code == 201
    created = response.json()
    record = ConsentRecord.objects.get()
    assert created["id"] == record.pk
    assert created["template"] == {
        "id": face_template.pk,
        "treatment": "mesotherapy_face",
        "title": "Mesotherapy of the face",
        "version": 1,
    }
    assert created["signature_url"] == f"{API}/records/{record.pk}/signature"
    assert created["taken_by"] == practitioner_a.username
    assert client.get(f"{API}/records?patient_id={patient_a.pk}").json() == [created]
    assert client.get(f"{API}/records/{record.pk}").json() == created
    signature = client.get(created["signature_url"])
    assert signature["Content-Type"] == "image/png"
    assert signature["X-Content-Type-Options"] == "nosniff"
    assert signature["Cache-Control"] == "private, no-store"
    actions = list(AuditEvent.objects.filter(patient=patient_a).values_list("action", flat=True))
    assert sorted(actions) == sorted([Action.SIGN, Action.LIST, Action.VIEW, Action.DOWNLOAD])
    assert AuditEvent.objects.get(action=Action.SIGN).actor == practitioner_a


def test_it_refuses_blank_unsigned_and_outdated_submissions(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = api_client(practitioner_a)
    blank = post(
        client,
        f"{API}/records",
        sign_body(patient_a, face_template, signed_name=" ", signature="", confirmed=False),
    )
    assert blank.status_code == 422
    assert set(blank.json()["fields"]) == {"signed_name", "signature", "confirmed"}
    stranger = post(client, f"{API}/records", sign_body(patient_a, face_template, signed_name="Bo"))
    assert stranger.status_code == 422
    assert "is not the patient's name on record" in stranger.json()["fields"]["signed_name"][0]
    publish(practitioner_a, body="Version two")
    outdated = post(client, f"{API}/records", sign_body(patient_a, face_template))
    assert outdated.status_code == 422
    assert "replaced by version 2" in outdated.json()["fields"]["template_id"][0]
    assert not ConsentRecord.objects.exists()


def test_it_has_no_signature_image_for_a_typed_name(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    record = sign(practitioner_a, patient_a, face_template, drawn=False)
    client = api_client(practitioner_a)
    assert client.get(f"{API}/records/{record.pk}").json()["signature_url"] is None
    assert client.get(f"{API}/records/{record.pk}/signature").status_code == 404


def test_it_refuses_records_to_a_receptionist(
    receptionist_a: User, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    record = sign(practitioner_a, patient_a, face_template)
    client = api_client(receptionist_a)
    assert client.get(f"{API}/records?patient_id={patient_a.pk}").status_code == 403
    assert client.get(f"{API}/records/{record.pk}").status_code == 403
    assert client.get(f"{API}/records/{record.pk}/signature").status_code == 403
    assert post(client, f"{API}/records", sign_body(patient_a, face_template)).status_code == 403
    assert ConsentRecord.objects.count() == 1


def test_it_hides_other_sites_records(
    practitioner_b: User, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    record = sign(practitioner_a, patient_a, face_template)
    client = api_client(practitioner_b)
    assert client.get(f"{API}/records?patient_id={patient_a.pk}").status_code == 404
    assert client.get(f"{API}/records/{record.pk}").status_code == 404
    assert client.get(f"{API}/records/{record.pk}/signature").status_code == 404
    assert post(client, f"{API}/records", sign_body(patient_a, face_template)).status_code == 404
    assert client.get(f"{API}/records/999999").status_code == 404


# --- photo consent --------------------------------------------------------------------------


def test_it_records_lists_and_withdraws_photo_consent(
    practitioner_a: User, patient_a: Patient
) -> None:
    client = api_client(practitioner_a)
    response = post(
        client,
        f"{API}/photo-consents",
        {"patient_id": patient_a.pk, "clinical_record": True, "teaching": False, "marketing": True},
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["clinical_record"], created["marketing"], created["withdrawn_at"]) == (
        True,
        True,
        None,
    )
    assert client.get(f"{API}/photo-consents?patient_id={patient_a.pk}").json() == [created]
    withdrawn = post(client, f"{API}/photo-consents/{created['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_by"] == practitioner_a.username
    assert photo_consent_current(patient_a) is None
    again = post(client, f"{API}/photo-consents/{created['id']}/withdraw")
    assert again.status_code == 422
    assert AuditEvent.objects.filter(action=Action.WITHDRAW).count() == 1


@pytest.mark.parametrize("persona", ["receptionist_a", "manager_a"])
def test_it_refuses_photo_consent_writes_without_take_consent(
    practitioner_a: User, patient_a: Patient, persona: str, request: pytest.FixtureRequest
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    client = api_client(request.getfixturevalue(persona))
    body = {
        "patient_id": patient_a.pk,
        "clinical_record": True,
        "teaching": True,
        "marketing": True,
    }
    assert post(client, f"{API}/photo-consents", body).status_code == 403
    assert post(client, f"{API}/photo-consents/{consent.pk}/withdraw").status_code == 403
    assert PhotoConsent.objects.count() == 1
    expected = 403 if persona == "receptionist_a" else 200
    assert client.get(f"{API}/photo-consents?patient_id={patient_a.pk}").status_code == expected


def test_it_hides_other_sites_photo_consent(
    practitioner_b: User, practitioner_a: User, patient_a: Patient
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    client = api_client(practitioner_b)
    body = {
        "patient_id": patient_a.pk,
        "clinical_record": True,
        "teaching": True,
        "marketing": True,
    }
    assert client.get(f"{API}/photo-consents?patient_id={patient_a.pk}").status_code == 404
    assert post(client, f"{API}/photo-consents", body).status_code == 404
    assert post(client, f"{API}/photo-consents/{consent.pk}/withdraw").status_code == 404
    assert photo_consent_current(patient_a) == consent


# --- every endpoint: anonymous and wrong method -----------------------------------------------


ENDPOINTS = [
    ("get", "/templates"),
    ("post", "/templates"),
    ("get", "/templates/1"),
    ("get", "/records?patient_id=1"),
    ("post", "/records"),
    ("get", "/records/1"),
    ("get", "/records/1/signature"),
    ("get", "/photo-consents?patient_id=1"),
    ("post", "/photo-consents"),
    ("post", "/photo-consents/1/withdraw"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_anonymous_callers(method: str, path: str) -> None:
    response = getattr(Client(), method)(f"{API}{path}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/templates"),
        ("put", "/templates/1"),
        ("delete", "/records"),
        ("patch", "/records/1"),
        ("delete", "/records/1"),
        ("post", "/records/1/signature"),
        ("put", "/photo-consents"),
        ("get", "/photo-consents/1/withdraw"),
    ],
)
def test_it_refuses_other_methods(practitioner_a: User, method: str, path: str) -> None:
    assert getattr(api_client(practitioner_a), method)(f"{API}{path}").status_code == 405


def test_it_lists_in_a_fixed_number_of_queries(
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
    django_assert_num_queries: Any,
) -> None:
    client = api_client(practitioner_a)
    sign(practitioner_a, patient_a, face_template)
    give_photo_consent(practitioner_a, patient_a)
    urls = [
        f"{API}/records?patient_id={patient_a.pk}",
        f"{API}/photo-consents?patient_id={patient_a.pk}",
        f"{API}/templates",
    ]
    client.get(urls[0])  # the token's first use records it
    counts = []
    for url in urls:
        with django_assert_num_queries(20, exact=False) as counted:
            client.get(url)
        counts.append(len(counted.captured_queries))
    scalp = publish(practitioner_a, treatment="mesotherapy_scalp", title="Scalp", body="Scalp")
    for _ in range(4):
        sign(practitioner_a, patient_a, scalp, drawn=False)
        give_photo_consent(practitioner_a, patient_a, teaching=True)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(url)
