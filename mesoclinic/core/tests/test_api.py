from __future__ import annotations

import re

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.conftest import verified_client
from mesoclinic.consent.tests.factories import api_client
from mesoclinic.patients.models import Patient


def test_it_serves_the_openapi_schema(receptionist_a: User) -> None:
    response = verified_client(receptionist_a).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"] == {"title": "Mesoclinic API", "version": "1", "description": ""}
    assert schema["openapi"].startswith("3.")


def test_it_serves_the_docs_from_its_own_static_files(receptionist_a: User) -> None:
    response = verified_client(receptionist_a).get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Health-data pages load nothing from third parties: no CDN.
    assert re.search(r"(src|href)=\"(https?:)?//", html) is None


def test_it_redirects_the_admin_to_its_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


# --- the one error envelope -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_an_unknown_field_with_the_envelope(
    practitioner_a: User, patient_a: Patient
) -> None:
    # The consent API ignored unknown fields once: a typo'd "confirmed" went unnoticed.
    response = api_client(practitioner_a).post(
        "/api/v1/consent/photo-consents",
        {
            "patient_id": patient_a.pk,
            "clinical_record": True,
            "teaching": False,
            "marketing": False,
            "confirmd": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid input",
        "fields": {"confirmd": ["confirmd: Extra inputs are not permitted (got true)"]},
    }


@pytest.mark.django_db
def test_it_names_the_path_and_the_value_of_a_body_that_does_not_parse(
    practitioner_a: User,
) -> None:
    response = api_client(practitioner_a).post(
        "/api/v1/consultations",
        {"patient_id": "abc", "concerns": [{"concern": "acne_scarring", "zones": "cheeks"}]},
        content_type="application/json",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid input"
    assert set(body["fields"]) == {"patient_id", "concerns[0].zones"}
    assert body["fields"]["patient_id"][0].startswith("patient_id: ")
    assert body["fields"]["patient_id"][0].endswith('(got "abc")')
    assert body["fields"]["concerns[0].zones"][0].endswith('(got "cheeks")')


@pytest.mark.django_db
def test_it_names_a_missing_field_and_a_bad_query_parameter(practitioner_a: User) -> None:
    client = api_client(practitioner_a)

    missing = client.post("/api/v1/consultations", {}, content_type="application/json")
    bad_query = client.get("/api/v1/consultations?patient_id=twelve")

    assert missing.status_code == 422
    assert missing.json()["fields"]["patient_id"] == ["patient_id: Field required"]
    assert bad_query.status_code == 422
    assert list(bad_query.json()["fields"]) == ["patient_id"]
    assert bad_query.json()["fields"]["patient_id"][0].endswith('(got "twelve")')


def test_it_answers_a_request_without_a_token_with_the_envelope(client: Client) -> None:
    response = client.get("/api/v1/consultations?patient_id=1")
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}


def test_the_openapi_document_refuses_unknown_fields_in_every_request_body(
    receptionist_a: User,
) -> None:
    schema = verified_client(receptionist_a).get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media, spec in content.items():
                body = spec["schema"]
                if "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[1]]
                bodies.append((method, path, media, body))
    assert len(bodies) >= 6
    for method, path, media, body in bodies:
        if media == "multipart/form-data":
            continue  # an upload's parts are named by the form, not a JSON object
        assert body.get("additionalProperties") is False, (method, path)


def test_the_openapi_document_gives_every_error_the_one_envelope(receptionist_a: User) -> None:
    schema = verified_client(receptionist_a).get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(components["ErrorOut"]["properties"]) == {"error", "fields"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("4"):
                    continue
                ref = response["content"]["application/json"]["schema"]["$ref"]
                # ErrorOut itself, or the envelope with more to say (possible duplicates).
                properties = components[ref.rsplit("/", 1)[1]]["properties"]
                assert {"error", "fields"} <= set(properties), (method, path, status)
