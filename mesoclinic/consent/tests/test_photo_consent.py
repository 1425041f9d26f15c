"""Photo consent: recorded, changed, withdrawn, with its history kept and every step audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.models import PhotoConsent
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.consent.services import photo_consent_withdraw
from mesoclinic.consent.tests.factories import give_photo_consent
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    html,
)
from mesoclinic.core.errors import Invalid, NotFound
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def url(patient: Patient) -> str:
    return f"/patients/{patient.pk}/consent/photo/"


def withdraw_url(consent: PhotoConsent) -> str:
    return f"/patients/{consent.patient_id}/consent/photo/{consent.pk}/withdraw/"


def test_it_records_photo_consent_from_the_form(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    client = client_for(practitioner_a)
    page = html(client.get(url(patient_a)))
    assert 'name="clinical_record"' in page
    assert_csp_clean(page)
    response = client.post(url(patient_a), {"clinical_record": "on", "teaching": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient_a.pk}/consent/"
    consent = PhotoConsent.objects.get()
    assert (consent.clinical_record, consent.teaching, consent.marketing) == (True, True, False)
    assert consent.recorded_by == practitioner_a
    assert (
        AuditEvent.objects.get(action=Action.CREATE, object_type="photo_consent").detail[
            "withdrawn"
        ]
        == []
    )


def test_it_shows_the_current_answers_on_the_form(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    give_photo_consent(practitioner_a, patient_a, marketing=True)
    page = html(client_for(practitioner_a).get(url(patient_a)))
    assert 'name="marketing" id="id_marketing" checked' in page
    assert 'name="teaching" id="id_teaching" checked' not in page


def test_it_keeps_history_and_audits_a_dropped_use_as_a_withdrawal(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    first = give_photo_consent(practitioner_a, patient_a, teaching=True, marketing=True)
    client_for(practitioner_a).post(url(patient_a), {"clinical_record": "on", "teaching": "on"})
    latest = photo_consent_current(patient_a)
    assert latest is not None
    assert latest.pk != first.pk
    assert (latest.teaching, latest.marketing) == (True, False)
    first.refresh_from_db()
    assert first.marketing is True  # the history says what was allowed then
    event = AuditEvent.objects.get(action=Action.WITHDRAW, object_type="photo_consent")
    assert event.detail["withdrawn"] == ["marketing"]


def test_it_withdraws_all_photo_consent_for_good(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    older = give_photo_consent(practitioner_a, patient_a)
    current = give_photo_consent(practitioner_a, patient_a, teaching=True)
    response = client_for(practitioner_a).post(withdraw_url(current))
    assert response.status_code == 302
    assert photo_consent_current(patient_a) is None
    for row in (older, current):
        row.refresh_from_db()
        assert (row.withdrawn_by, row.withdrawn_at is not None) == (practitioner_a, True)
    event = AuditEvent.objects.get(action=Action.WITHDRAW)
    assert event.object_id == str(current.pk)
    assert sorted(event.detail["rows"]) == sorted([older.pk, current.pk])


def test_it_refuses_to_withdraw_a_replaced_or_withdrawn_consent(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    older = give_photo_consent(practitioner_a, patient_a)
    give_photo_consent(practitioner_a, patient_a, teaching=True)
    response = client_for(practitioner_a).post(withdraw_url(older), follow=True)
    assert f"Photo consent {older.pk} is not this patient&#x27;s current photo consent" in html(
        response
    )
    assert photo_consent_current(patient_a) is not None
    with pytest.raises(Invalid), acting_as(practitioner_a):
        photo_consent_withdraw(actor=practitioner_a, photo_consent_id=older.pk)


def test_it_does_not_find_a_consent_under_another_patient(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, site_a: Site
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    other = Patient.objects.create(
        site=site_a, given_name="Other", family_name="Patient", date_of_birth="1970-01-01"
    )
    client = client_for(practitioner_a)
    assert (
        client.post(f"/patients/{other.pk}/consent/photo/{consent.pk}/withdraw/").status_code == 404
    )
    with pytest.raises(NotFound):
        photo_consent_withdraw(actor=practitioner_a, photo_consent_id=999_999)
    assert photo_consent_current(patient_a) == consent


@pytest.mark.parametrize("persona", ["receptionist_a", "manager_a"])
def test_it_refuses_roles_without_take_consent(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(patient_a)).status_code == 403
    assert client.post(url(patient_a), {"marketing": "on"}).status_code == 403
    assert client.post(withdraw_url(consent)).status_code == 403
    assert photo_consent_current(patient_a) == consent


def test_it_hides_other_sites_patients(
    client_for: ClientFor, practitioner_a: User, practitioner_b: User, patient_a: Patient
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    client = client_for(practitioner_b)
    assert client.get(url(patient_a)).status_code == 404
    assert client.post(url(patient_a), {"marketing": "on"}).status_code == 404
    assert client.post(withdraw_url(consent)).status_code == 404
    assert photo_consent_current(patient_a) == consent


def test_it_sends_anonymous_visitors_to_sign_in(practitioner_a: User, patient_a: Patient) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    assert_anonymous_redirected(url(patient_a))
    assert_anonymous_redirected(withdraw_url(consent), method="post")


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    client = client_for(practitioner_a)
    assert client.put(url(patient_a)).status_code == 405
    assert client.get(withdraw_url(consent)).status_code == 405
