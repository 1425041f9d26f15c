"""Archiving (patients:archive) and restoring (patients:unarchive) a patient."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def _archive(patient: Patient) -> str:
    return reverse("patients:archive", args=[patient.pk])


def _restore(patient: Patient) -> str:
    return reverse("patients:unarchive", args=[patient.pk])


@pytest.fixture
def archived(patient_a: Patient) -> Patient:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    return patient_a


def test_it_asks_for_confirmation_first(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    response = client_for(receptionist_a).get(_archive(patient_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Archive Alice Anderson?</h1>" in page
    assert f'<form method="post" action="{_archive(patient_a)}">' in page
    patient_a.refresh_from_db()
    assert not patient_a.is_archived


def test_it_archives_on_post(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    client = client_for(receptionist_a)
    response = client.post(_archive(patient_a))
    assert response["Location"] == reverse("patients:detail", args=[patient_a.pk])
    patient_a.refresh_from_db()
    assert patient_a.is_archived
    assert AuditEvent.objects.get().action == Action.ARCHIVE
    assert client.get(reverse("patients:list")).context["window"].patients == []


def test_another_sites_patient_is_not_found(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    client = client_for(practitioner_b)
    assert client.get(_archive(patient_a)).status_code == 404
    assert client.post(_archive(patient_a)).status_code == 404
    patient_a.refresh_from_db()
    assert not patient_a.is_archived


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, patient_a: Patient) -> None:
    for url in (_archive(patient_a), _restore(patient_a)):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_other_methods_are_refused(
    client_for: ClientFor, manager_a: User, patient_a: Patient
) -> None:
    client = client_for(manager_a)
    assert client.put(_archive(patient_a)).status_code == 405
    assert client.get(_restore(patient_a)).status_code == 405


def test_a_manager_restores_an_archived_patient(
    client_for: ClientFor, manager_a: User, archived: Patient
) -> None:
    response = client_for(manager_a).post(_restore(archived))
    assert response["Location"] == reverse("patients:detail", args=[archived.pk])
    archived.refresh_from_db()
    assert not archived.is_archived
    event = AuditEvent.objects.get()
    assert (event.action, event.detail["restored"]) == (Action.UPDATE, True)


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_other_roles_may_not_restore(
    request: pytest.FixtureRequest, client_for: ClientFor, archived: Patient, persona: str
) -> None:
    response = client_for(request.getfixturevalue(persona)).post(_restore(archived))
    assert response.status_code == 403
    archived.refresh_from_db()
    assert archived.is_archived
    assert AuditEvent.objects.get().outcome == Outcome.DENIED


def test_restoring_another_sites_patient_is_not_found(
    client_for: ClientFor, practitioner_b: User, archived: Patient
) -> None:
    assert client_for(practitioner_b).post(_restore(archived)).status_code == 404
