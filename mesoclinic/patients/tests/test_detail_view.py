"""The patient page, patients:detail: demographics, the clinical record's links, archives."""

from __future__ import annotations

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
    return reverse("patients:detail", args=[patient.pk])


def test_it_shows_demographics_and_the_clinical_record_links(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).get(_url(patient_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Alice Anderson</h1>" in page
    assert "14/03/1984 (age" in page
    assert "alice@example.org" in page
    base = _url(patient_a)
    for area in ("consultations/", "consent/", "photos/"):
        assert f'href="{base}{area}"' in page
    assert f'href="{reverse("patients:edit", args=[patient_a.pk])}"' in page
    assert "no-store" in response["Cache-Control"]


def test_it_audits_each_view(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    client_for(practitioner_a).get(_url(patient_a))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.patient_id, event.site_id) == (
        Action.VIEW,
        "patient",
        patient_a.pk,
        patient_a.site_id,
    )


def test_receptionists_see_demographics_only(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    page = client_for(receptionist_a).get(_url(patient_a)).content.decode()
    assert "alice@example.org" in page
    assert "Clinical record" not in page
    assert "consultations/" not in page


def test_managers_see_the_record_links(
    client_for: ClientFor, manager_a: User, patient_a: Patient
) -> None:
    page = client_for(manager_a).get(_url(patient_a)).content.decode()
    assert "Clinical record" in page
    assert "photos/" in page


def test_another_sites_patient_is_not_found_and_the_attempt_audited(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_b).get(_url(patient_a))
    assert response.status_code == 404
    assert "Anderson" not in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.outcome, event.actor, event.patient_id) == (
        Outcome.DENIED,
        practitioner_b,
        patient_a.pk,
    )


def test_an_unknown_patient_is_not_found(client_for: ClientFor, practitioner_a: User) -> None:
    assert client_for(practitioner_a).get("/patients/999999/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, patient_a: Patient) -> None:
    response = client.get(_url(patient_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.exists()


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).post(_url(patient_a)).status_code == 405


@pytest.mark.parametrize(("persona", "restore"), [("manager_a", True), ("practitioner_a", False)])
def test_an_archived_patient_is_shown_read_only_with_a_banner(
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    patient_a: Patient,
    persona: str,
    restore: bool,
) -> None:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    page = client_for(request.getfixturevalue(persona)).get(_url(patient_a)).content.decode()
    assert "<strong>Archived</strong> on" in page
    assert reverse("patients:edit", args=[patient_a.pk]) not in page
    assert (reverse("patients:unarchive", args=[patient_a.pk]) in page) is restore


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_shows_every_stored_text_field_as_text(
    client_for: ClientFor, practitioner_a: User, site_a: Site, payload: str
) -> None:
    patient = make_patient(
        site_a,
        given_name=payload,
        family_name=payload,
        phone=payload,
        email=payload,
        address=payload,
    )
    page = client_for(practitioner_a).get(_url(patient)).content.decode()
    assert_inert(page, payload)


def test_an_id_longer_than_any_record_number_is_not_found_and_still_audited(
    client_for: ClientFor, practitioner_a: User
) -> None:
    typed = "9" * 45
    assert client_for(practitioner_a).get(f"/patients/{typed}/").status_code == 404
    refused = AuditEvent.objects.get()
    assert (refused.outcome, refused.object_id) == (Outcome.DENIED, "9" * 40)
