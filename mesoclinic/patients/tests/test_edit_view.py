"""Editing a patient's details, patients:edit."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import XSS_CORPUS, assert_inert, make_patient

ClientFor = Callable[[User], Client]


def _url(patient: Patient) -> str:
    return reverse("patients:edit", args=[patient.pk])


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Alice",
        "family_name": "Anderson",
        "date_of_birth": "14/03/1984",
        "sex": "female",
        "phone": "+44 7700 900123",
        "email": "alice@example.org",
        "address": "",
    }
    data.update(overrides)
    return data


def test_it_shows_the_details_as_staff_type_them(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = client_for(receptionist_a).get(_url(patient_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="14/03/1984"' in page
    assert 'value="+44 7700 900123"' in page
    assert "site" not in response.context["form"].fields
    event = AuditEvent.objects.get()
    assert (event.action, event.patient_id) == (Action.VIEW, patient_a.pk)


def test_it_saves_changes_and_audits_the_changed_fields_by_name(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = client_for(receptionist_a).post(
        _url(patient_a), _form(family_name="Anders", phone="020 7946 0000")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient_a.pk])
    patient_a.refresh_from_db()
    assert (patient_a.family_name, patient_a.search_name) == ("Anders", "anders alice")
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == (Action.UPDATE, {"fields": ["family_name", "phone"]})


def test_it_names_bad_values_keeps_them_and_saves_nothing(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    data = _form(given_name="Alicia", date_of_birth="1984-02-30", email="not-an-email")
    response = client_for(receptionist_a).post(_url(patient_a), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert html.escape("Date of birth: “1984-02-30” is not a date") in page
    assert html.escape("Email: “not-an-email” is not an email address") in page
    for value in ("Alicia", "1984-02-30", "not-an-email"):
        assert f'value="{value}"' in page
    patient_a.refresh_from_db()
    assert patient_a.given_name == "Alice"
    assert not AuditEvent.objects.exists()


def test_another_sites_patient_is_not_found(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    client = client_for(practitioner_b)
    assert client.get(_url(patient_a)).status_code == 404
    assert client.post(_url(patient_a), _form(given_name="Hacked")).status_code == 404
    patient_a.refresh_from_db()
    assert patient_a.given_name == "Alice"
    assert set(AuditEvent.objects.values_list("outcome", flat=True)) == {Outcome.DENIED}


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, patient_a: Patient) -> None:
    for response in (client.get(_url(patient_a)), client.post(_url(patient_a), _form())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    assert client_for(receptionist_a).delete(_url(patient_a)).status_code == 405


def test_an_archived_patient_cannot_be_edited(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    client = client_for(receptionist_a)
    detail = reverse("patients:detail", args=[patient_a.pk])
    assert client.get(_url(patient_a))["Location"] == detail
    refused = client.post(_url(patient_a), _form(given_name="Changed"))
    assert refused["Location"] == detail
    patient_a.refresh_from_db()
    assert patient_a.given_name == "Alice"
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert (denied.action, denied.detail) == (Action.UPDATE, {"reason": "archived"})


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_shows_stored_markup_inert_in_the_inputs(
    client_for: ClientFor, receptionist_a: User, site_a: Site, payload: str
) -> None:
    patient = make_patient(
        site_a, given_name=payload, family_name=payload, phone=payload, address=payload
    )
    page = client_for(receptionist_a).get(_url(patient)).content.decode()
    assert_inert(page, payload)
    assert f'value="{html.escape(payload)}"' in page
