"""The patients API, writing: register, change, archive and restore, as the pages do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import ApiClient

BASE = "/api/v1/patients"
ApiFor = Callable[[User], ApiClient]
TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _url(patient: Patient, suffix: str = "") -> str:
    return f"{BASE}/{patient.pk}{suffix}"


def _new(site: Site, /, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "site": site.pk,
        "given_name": "Carla",
        "family_name": "Cole",
        "date_of_birth": "1991-05-02",
        "phone": "07700 900456",
    }
    body.update(overrides)
    return body


# --- create --------------------------------------------------------------------------------------


def test_it_registers_a_patient(api_for: ApiFor, receptionist_a: User, site_a: Site) -> None:
    response = api_for(receptionist_a).post(BASE, _new(site_a, date_of_birth="02/05/1991"))
    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get()
    assert (body["id"], body["date_of_birth"], patient.created_by) == (
        patient.pk,
        "1991-05-02",
        receptionist_a,
    )
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="patient")
    assert (event.actor, event.patient_id) == (receptionist_a, patient.pk)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        (
            {"date_of_birth": "2030-01-01"},
            {
                "date_of_birth": [
                    "Date of birth: 01/01/2030 is in the future (today is 25/11/2026)."
                ]
            },
        ),
        (
            {"date_of_birth": "14-03-1984"},
            {
                "date_of_birth": [
                    "Date of birth: “14-03-1984” is not a date; use dd/mm/yyyy, e.g. 14/03/1984."
                ]
            },
        ),
        (
            {"family_name": "", "email": "x@"},
            {
                "family_name": ["Family name: enter a value; it was left empty."],
                "email": ["Email: “x@” is not an email address; use the form name@example.org."],
            },
        ),
        ({"given_name": 5}, {"given_name": ["given_name: 5 is not a string."]}),
        (
            {"address": "Flat \ud800"},
            {
                "address": [
                    "Address: “Flat \\ud800” contains control characters, which cannot be stored."
                ]
            },
        ),
        ({"site": 1.5}, {"site": ["site: 1.5 is not a site id (a whole number)."]}),
        (
            {"nickname": "Ally"},
            {
                "nickname": [
                    "nickname: unknown field; use site, given_name, family_name, date_of_birth, "
                    "sex, email, phone, address, confirm_duplicate."
                ]
            },
        ),
        (
            {"confirm_duplicate": "yes"},
            {"confirm_duplicate": ['confirm_duplicate: "yes" is not true or false.']},
        ),
    ],
)
def test_it_refuses_bad_input_naming_each_field_and_value(
    api_for: ApiFor,
    receptionist_a: User,
    site_a: Site,
    overrides: dict[str, object],
    fields: dict[str, list[str]],
) -> None:
    response = api_for(receptionist_a).post(BASE, _new(site_a, **overrides))
    assert response.status_code == 422
    assert response.json() == {"error": "invalid input", "fields": fields}
    assert not Patient.objects.exists()


def test_it_refuses_a_site_that_is_not_a_number(
    api_for: ApiFor, receptionist_a: User, site_a: Site
) -> None:
    response = api_for(receptionist_a).post(BASE, _new(site_a, site="one"))
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "site": [f"Site: “one” is not one of the choices (“{site_a.pk}”)."]
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "body: not JSON"),
        (b"[1, 2]", "body: a JSON object is needed, not list."),
        (b"", "body: a JSON object is needed, not NoneType."),
    ],
)
def test_it_refuses_a_body_that_is_not_a_json_object(
    api_for: ApiFor, receptionist_a: User, body: bytes, message: str
) -> None:
    response = api_for(receptionist_a).raw("POST", BASE, body)
    assert response.status_code == 422
    assert response.json()["fields"]["body"][0].startswith(message)


def test_it_answers_409_with_the_candidates_until_a_duplicate_is_confirmed(
    api_for: ApiFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    client = api_for(receptionist_a)
    body = _new(site_a, given_name="Alice", family_name="Anderson", date_of_birth="1984-03-14")
    conflict = client.post(BASE, body)
    assert conflict.status_code == 409
    assert conflict.json()["candidates"] == [
        {
            "id": patient_a.pk,
            "given_name": "Alice",
            "family_name": "Anderson",
            "date_of_birth": "1984-03-14",
            "phone": "+44 7700 900123",
        }
    ]
    assert Patient.objects.count() == 1
    confirmed = client.post(BASE, {**body, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert Patient.objects.count() == 2


def test_it_refuses_and_audits_registration_at_another_site(
    api_for: ApiFor, practitioner_b: User, site_a: Site
) -> None:
    response = api_for(practitioner_b).post(BASE, _new(site_a))
    assert response.status_code == 422
    assert response.json()["fields"] == {"site": [f"Site: {site_a.pk} is not one of your sites."]}
    assert AuditEvent.objects.get(actor=practitioner_b, action=Action.CREATE).outcome == (
        Outcome.DENIED
    )


# --- update, archive, restore ------------------------------------------------------------------


def test_it_changes_only_the_fields_sent(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = api_for(receptionist_a).patch(_url(patient_a), {"phone": "020 7946 0000"})
    assert response.status_code == 200
    assert response.json()["phone"] == "020 7946 0000"
    patient_a.refresh_from_db()
    assert (patient_a.phone, patient_a.given_name, patient_a.email) == (
        "020 7946 0000",
        "Alice",
        "alice@example.org",
    )
    event = AuditEvent.objects.get(action=Action.UPDATE)
    assert event.detail == {"fields": ["phone"]}


def test_it_refuses_a_bad_update_naming_the_value(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    client = api_for(receptionist_a)
    response = client.patch(_url(patient_a), {"date_of_birth": "1899-12-31"})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "date_of_birth": ["Date of birth: 31/12/1899 is before 01/01/1900; check the year."]
    }
    moved = client.patch(_url(patient_a), {"site": 2})
    assert moved.status_code == 422
    assert list(moved.json()["fields"]) == ["site"]


def test_it_archives_and_then_refuses_changes_with_409(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    client = api_for(receptionist_a)
    archived = client.post(_url(patient_a, "/archive"))
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert client.post(_url(patient_a, "/archive")).status_code == 200  # idempotent
    refused = client.patch(_url(patient_a), {"given_name": "Changed"})
    assert refused.status_code == 409
    assert "archived" in refused.json()["error"]
    assert AuditEvent.objects.filter(action=Action.ARCHIVE).count() == 1


def test_only_managers_restore(
    api_for: ApiFor, manager_a: User, practitioner_a: User, patient_a: Patient
) -> None:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    forbidden = api_for(practitioner_a).post(_url(patient_a, "/restore"))
    assert forbidden.status_code == 403
    assert forbidden.json() == {"error": "Your role may not manage staff."}
    restored = api_for(manager_a).post(_url(patient_a, "/restore"))
    assert restored.status_code == 200
    assert restored.json()["archived"] is False


# --- every answer that carries the record is audited, writes that change nothing included -------


def _reads(patient: Patient) -> list[dict[str, object]]:
    return list(
        AuditEvent.objects.filter(patient=patient, action=Action.VIEW)
        .order_by("id")
        .values_list("detail", flat=True)
    )


def test_an_empty_patch_returns_the_record_and_audits_the_read(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = api_for(receptionist_a).patch(_url(patient_a), {})
    assert response.status_code == 200
    assert response.json()["given_name"] == "Alice"
    assert _reads(patient_a) == [{"unchanged": "update"}]
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_archiving_an_archived_patient_audits_the_read(
    api_for: ApiFor, receptionist_a: User, patient_a: Patient
) -> None:
    client = api_for(receptionist_a)
    assert client.post(_url(patient_a, "/archive")).status_code == 200
    again = client.post(_url(patient_a, "/archive"))
    assert again.status_code == 200
    assert again.json()["family_name"] == "Anderson"
    assert _reads(patient_a) == [{"unchanged": "archive"}]


def test_restoring_a_patient_who_is_not_archived_audits_the_read(
    api_for: ApiFor, manager_a: User, patient_a: Patient
) -> None:
    response = api_for(manager_a).post(_url(patient_a, "/restore"))
    assert response.status_code == 200
    assert response.json()["archived"] is False
    assert _reads(patient_a) == [{"unchanged": "restore"}]
