"""The patients API, reading: /api/v1/patients lists, searches and shows, as the pages do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import verified_client
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import ApiClient, bulk_patients, make_patient

BASE = "/api/v1/patients"
ApiFor = Callable[[User], ApiClient]
# The token (with its user), the user's sites, the window with its count, the audit INSERT,
# then the window's patients in whole (with their sites) by primary key.
LIST_QUERIES = 5


def _url(patient: Patient, suffix: str = "") -> str:
    return f"{BASE}/{patient.pk}{suffix}"


# --- list and search -------------------------------------------------------------------------


def test_it_lists_the_sites_patients(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient, patient_b: Patient
) -> None:
    response = api_for(receptionist_a).get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["count_is_exact"], body["limit"], body["offset"]) == (
        1,
        True,
        25,
        0,
    )
    (item,) = body["items"]
    assert item == {
        "id": patient_a.pk,
        "site": patient_a.site_id,
        "site_name": "Harley Street Clinic",
        "given_name": "Alice",
        "family_name": "Anderson",
        "date_of_birth": "1984-03-14",
        "sex": "female",
        "email": "alice@example.org",
        "phone": "+44 7700 900123",
        "address": "",
        "archived": False,
        "archived_at": None,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "version": 1,
    }
    event = AuditEvent.objects.get(object_type="patient_list")
    assert (event.action, event.actor) == (Action.LIST, receptionist_a)
    assert event.detail["shown"] == [patient_a.pk]


def test_it_searches_and_windows_the_results(
    api_for: ApiFor, practitioner_a: User, site_a: Site
) -> None:
    for n in range(5):
        make_patient(site_a, given_name=f"Given{n}", family_name="Same")
    make_patient(site_a, given_name="Other", family_name="Person")
    response = api_for(practitioner_a).get(BASE, q="same", limit="2", offset="3")
    body = response.json()
    assert body["count"] == 5
    assert [item["given_name"] for item in body["items"]] == ["Given3", "Given4"]
    event = AuditEvent.objects.get(object_type="patient_list")
    assert (event.action, event.detail["query"]) == (Action.SEARCH, "same")


def test_a_search_counts_up_to_1000_matches(
    api_for: ApiFor, practitioner_a: User, site_a: Site
) -> None:
    bulk_patients(site_a, 1005)
    body = api_for(practitioner_a).get(BASE, q="same", offset="1000", limit="10").json()
    assert (body["count"], body["count_is_exact"]) == (1000, False)
    assert [item["given_name"] for item in body["items"]] == [
        f"Given{n:04}" for n in range(1000, 1005)
    ]


def test_it_includes_archived_patients_on_request(
    api_for: ApiFor, practitioner_a: User, patient_a: Patient
) -> None:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    client = api_for(practitioner_a)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(BASE, include_archived="true").json()["items"][0]["archived"] is True


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": "101"}, "limit", "limit: “101” is not a whole number from 1 to 100."),
        ({"limit": "0"}, "limit", "limit: “0” is not a whole number from 1 to 100."),
        ({"limit": "²"}, "limit", "limit: “²” is not a whole number from 1 to 100."),
        ({"offset": "-1"}, "offset", "offset: “-1” is not a whole number from 0 to 1000000000."),
        (
            {"include_archived": "maybe"},
            "include_archived",
            "include_archived: “maybe” is not true or false.",
        ),
        ({"q": "31/02/1984"}, "q", "“31/02/1984” is not a date: use dd/mm/yyyy, e.g. 14/03/1984."),
    ],
)
def test_it_refuses_bad_parameters_naming_them(
    api_for: ApiFor, practitioner_a: User, params: dict[str, str], field: str, message: str
) -> None:
    response = api_for(practitioner_a).get(BASE, **params)
    assert response.status_code == 422
    assert response.json() == {"error": "invalid input", "fields": {field: [message]}}


@pytest.mark.parametrize("patients", [2, 30])
def test_its_query_count_does_not_grow_with_the_window(
    api_for: ApiFor,
    practitioner_a: User,
    site_a: Site,
    patients: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(patients):
        make_patient(site_a, given_name=f"G{n}", family_name="Family")
    client = api_for(practitioner_a)
    client.get(BASE)  # the first use of a token records when it was used
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(BASE, q="family", limit="100")
    assert len(response.json()["items"]) == patients


# --- one patient -------------------------------------------------------------------------------


def test_it_returns_one_patient_and_audits_the_view(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = api_for(receptionist_a).get(_url(patient_a))
    assert response.status_code == 200
    assert response.json()["family_name"] == "Anderson"
    event = AuditEvent.objects.get(object_type="patient")
    assert (event.action, event.patient_id, event.actor) == (
        Action.VIEW,
        patient_a.pk,
        receptionist_a,
    )


def test_another_sites_patient_is_not_found_and_the_attempt_audited(
    api_for: ApiFor, practitioner_b: User, patient_a: Patient
) -> None:
    client = api_for(practitioner_b)
    for response in (
        client.get(_url(patient_a)),
        client.patch(_url(patient_a), {"given_name": "Hacked"}),
        client.post(_url(patient_a, "/archive")),
        client.post(_url(patient_a, "/restore")),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "No such patient."}
    patient_a.refresh_from_db()
    assert (patient_a.given_name, patient_a.is_archived) == ("Alice", False)
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor=practitioner_b)
    assert denied.count() == 4


def test_an_unknown_patient_is_not_found(api_for: ApiFor, practitioner_a: User) -> None:
    client = api_for(practitioner_a)
    assert client.get(f"{BASE}/999999").status_code == 404
    assert client.get(f"{BASE}/{'9' * 45}").status_code == 404


def test_the_openapi_schema_documents_every_operation(receptionist_a: User) -> None:
    schema = verified_client(receptionist_a).get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]: op
        for path, ops in schema["paths"].items()
        if path.startswith(BASE)
        for op in ops.values()
    }
    assert set(operations) == {
        "patients_list",
        "patients_create",
        "patients_get",
        "patients_update",
        "patients_archive",
        "patients_restore",
    }
    body = operations["patients_create"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["site", "given_name", "family_name", "date_of_birth"]
    assert body["additionalProperties"] is False
    assert all(op["security"] == [{"TokenAuth": []}] for op in operations.values())


# --- anonymous and wrong methods ---------------------------------------------------------------


def test_it_refuses_calls_without_a_valid_token(client: Client, patient_a: Patient) -> None:
    bad = {"Authorization": "Bearer not-a-real-token-0123456789"}
    for response in (
        client.get(BASE),
        client.get(_url(patient_a)),
        client.post(BASE, {}, content_type="application/json"),
        client.patch(_url(patient_a), {}, content_type="application/json"),
        client.post(_url(patient_a, "/archive")),
        client.get(BASE, headers=bad),
    ):
        assert response.status_code == 401
    assert not AuditEvent.objects.filter(object_type__startswith="patient").exists()


def test_a_browser_session_is_not_enough(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    assert client_for(practitioner_a).get(BASE).status_code == 401


def test_it_refuses_other_methods(
    api_for: ApiFor, practitioner_a: User, patient_a: Patient
) -> None:
    client = api_for(practitioner_a)
    assert client.raw("PUT", BASE).status_code == 405
    assert client.raw("DELETE", _url(patient_a)).status_code == 405
    assert client.get(_url(patient_a, "/archive")).status_code == 405
    assert client.get(_url(patient_a, "/restore")).status_code == 405
