"""A patient's consent page: signed consents, what can be signed, photo consent history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.tests.factories import XSS_TEXT, give_photo_consent, publish, sign
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    assert_escaped,
    html,
)
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def url(patient: Patient) -> str:
    return f"/patients/{patient.pk}/consent/"


def test_it_lists_signed_consent_and_photo_consent(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    record = sign(practitioner_a, patient_a, face_template)
    give_photo_consent(practitioner_a, patient_a, teaching=True)
    response = client_for(practitioner_a).get(url(patient_a))
    page = html(response)
    assert response.status_code == 200
    assert f'href="/patients/{patient_a.pk}/consent/{record.pk}/"' in page
    assert "Mesotherapy of the face (version 1)" in page
    assert "photos may be used for <strong>clinical record, teaching</strong>" in page
    assert f'href="/patients/{patient_a.pk}/consent/sign/mesotherapy_face/"' in page
    assert "Withdraw all photo consent" in page
    assert_csp_clean(page)
    event = AuditEvent.objects.get(action=Action.LIST, object_type="consent_record")
    assert event.patient_id == patient_a.pk


def test_it_shows_a_manager_the_record_without_signing_links(
    client_for: ClientFor, manager_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    page = html(client_for(manager_a).get(url(patient_a)))
    assert "Sign a consent form" not in page
    assert "Record photo consent" not in page
    assert "No current photo consent." in page


def test_it_reads_the_page_in_a_fixed_number_of_queries(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_for(practitioner_a)
    sign(practitioner_a, patient_a, face_template)
    give_photo_consent(practitioner_a, patient_a)
    client.get(url(patient_a))  # warm the session
    with django_assert_num_queries(9) as one:  # type: ignore[attr-defined]
        client.get(url(patient_a))
    scalp = publish(practitioner_a, treatment="mesotherapy_scalp", title="Scalp", body="Scalp text")
    for _ in range(5):
        sign(practitioner_a, patient_a, face_template, drawn=False)
        sign(practitioner_a, patient_a, scalp, drawn=False)
        give_photo_consent(practitioner_a, patient_a, marketing=True)
    with django_assert_num_queries(len(one.captured_queries)):  # type: ignore[attr-defined]
        client.get(url(patient_a))


def test_it_escapes_names_titles_and_signed_names(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    template = publish(practitioner_a, title=XSS_TEXT, body=XSS_TEXT)
    sign(practitioner_a, patient_a, template, name=XSS_TEXT)
    assert_escaped(html(client_for(practitioner_a).get(url(patient_a))))


def test_it_refuses_a_receptionist(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    assert client_for(receptionist_a).get(url(patient_a)).status_code == 403


def test_it_hides_other_sites_patients(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_b).get(url(patient_a)).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(patient_a: Patient) -> None:
    assert_anonymous_redirected(url(patient_a))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, method: str
) -> None:
    assert getattr(client_for(practitioner_a), method)(url(patient_a)).status_code == 405
