"""Dates at the calendar's ends and deeply nested JSON get a 4xx naming the field, never a 500.

Year 1 and year 9999 with a UTC offset overflow the conversion to UTC (and so every later
step); deeply nested JSON exhausts the recursion of a naive parser. Each page and API
operation that takes a date or a JSON body is tried with them, with the server's exceptions
turned into responses, as in production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.consultations.tests.helpers import make_consultation, url
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import ApiClient

ClientFor = Callable[[User], Client]
DEEP_JSON = "[" * 100_000 + "]" * 100_000
EDGE_MOMENTS = (
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59+00:00",
)
EDGE_DAYS = ("0001-01-01", "9999-12-31")
EDGE_LOCAL = ("0001-01-01T00:00", "9999-12-31T23:59")


@pytest.fixture
def api(practitioner_a: User) -> ApiClient:
    client = ApiClient(practitioner_a)
    client.client.raise_request_exception = False  # a 500 is an answer to assert on
    return client


@pytest.fixture
def pages(practitioner_a: User, client_for: ClientFor) -> Client:
    client = client_for(practitioner_a)
    client.raise_request_exception = False
    return client


def _json(api: ApiClient, method: str, path: str, body: object) -> Any:
    send = getattr(api.client, method)
    return send(path, body, content_type="application/json", headers=api.headers)


@pytest.mark.parametrize("held_at", EDGE_MOMENTS)
def test_the_api_refuses_a_consultation_at_the_calendars_ends_naming_held_at(
    api: ApiClient, patient_a: Patient, held_at: str
) -> None:
    response = _json(
        api, "post", "/api/v1/consultations", {"patient_id": patient_a.pk, "held_at": held_at}
    )
    assert response.status_code == 422, response.content
    [message] = response.json()["fields"]["held_at"]
    assert held_at in message


@pytest.mark.parametrize("held_at", EDGE_LOCAL)
def test_the_consultation_pages_refuse_the_calendars_ends_naming_the_field(
    pages: Client, patient_a: Patient, practitioner_a: User, held_at: str
) -> None:
    data = {"held_at": held_at, "needle_fear": "none", "concern_pigmentation": ["cheeks"]}
    created = pages.post(url("create", patient=patient_a), data)
    assert created.status_code == 422
    assert 'href="#id_held_at"' in created.content.decode()
    consultation = make_consultation(patient_a, practitioner_a)
    edited = pages.post(url("edit", consultation), data)
    assert edited.status_code == 422
    assert 'href="#id_held_at"' in edited.content.decode()


@pytest.mark.parametrize("start_date", EDGE_DAYS)
def test_plan_generation_refuses_a_start_at_the_calendars_ends_naming_start_date(
    api: ApiClient, pages: Client, patient_a: Patient, practitioner_a: User, start_date: str
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    path = f"/api/v1/consultations/{consultation.pk}/plans"
    response = _json(api, "post", path, {"start_date": start_date})
    assert response.status_code == 422, response.content
    assert start_date in response.json()["fields"]["start_date"][0]
    page = pages.post(url("plan_generate", consultation), {"start_date": start_date})
    assert page.status_code in {400, 422}, page.status_code
    assert "start_date" in page.content.decode()


@pytest.mark.parametrize("day", [*EDGE_DAYS, *EDGE_MOMENTS])
def test_patient_dates_at_the_calendars_ends_are_refused_naming_the_field(
    api: ApiClient, pages: Client, patient_a: Patient, day: str
) -> None:
    body = {"site": patient_a.site_id, "given_name": "A", "family_name": "B", "date_of_birth": day}
    created = _json(api, "post", "/api/v1/patients", body)
    assert created.status_code == 422
    assert list(created.json()["fields"]) == ["date_of_birth"]
    changed = _json(api, "patch", f"/api/v1/patients/{patient_a.pk}", {"date_of_birth": day})
    assert changed.status_code == 422
    assert list(changed.json()["fields"]) == ["date_of_birth"]
    page = pages.post("/patients/new/", {**body, "sex": ""})
    assert page.status_code in {200, 422}
    assert 'href="#id_date_of_birth"' in page.content.decode()


@pytest.mark.parametrize("day", [*EDGE_DAYS, *EDGE_MOMENTS])
def test_photo_dates_at_the_calendars_ends_never_fail(
    api: ApiClient, pages: Client, patient_a: Patient, day: str
) -> None:
    compare = pages.get(f"/patients/{patient_a.pk}/photos/compare/", {"before": day, "after": day})
    assert compare.status_code < 500
    upload = api.client.post(
        "/api/v1/photos",
        {"patient_id": patient_a.pk, "angle": "front", "taken_on": day},
        headers=api.headers,
    )
    assert 400 <= upload.status_code < 500


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/patients"),
        ("patch", "/api/v1/patients/{patient}"),
        ("post", "/api/v1/consultations"),
        ("post", "/api/v1/consultations/{consultation}/plans"),
        ("post", "/api/v1/consultations/plans/1/edits"),
        ("post", "/api/v1/consent/templates"),
        ("post", "/api/v1/consent/records"),
        ("post", "/api/v1/consent/photo-consents"),
    ],
)
def test_deeply_nested_json_is_refused_with_a_4xx(
    api: ApiClient, patient_a: Patient, practitioner_a: User, method: str, path: str
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    target = path.format(patient=patient_a.pk, consultation=consultation.pk)
    response = _json(api, method, target, DEEP_JSON)
    assert 400 <= response.status_code < 500, (target, response.status_code)
