"""The signing page: shows the current version, records a signature, refuses what is missing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate
from mesoclinic.consent.tests.factories import XSS_TEXT, drawn_signature, publish
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    assert_escaped,
    html,
)
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def url(patient: Patient, treatment: str = "mesotherapy_face") -> str:
    return f"/patients/{patient.pk}/consent/sign/{treatment}/"


def form(template: ConsentTemplate, **fields: str) -> dict[str, str]:
    data = {
        "template_id": str(template.pk),
        "signed_name": "Alice Anderson",
        "method": "typed",
        "signature": "",
        "confirmed": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_it_shows_the_current_version_in_full_with_its_id_hidden(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    response = client_for(practitioner_a).get(url(patient_a))
    page = html(response)
    assert response.status_code == 200
    assert "Version 1, published" in page
    assert "Fine needles place small amounts of product in the skin." in page
    assert f'<input type="hidden" name="template_id" value="{face_template.pk}"' in page
    assert 'class="consent-body"' in page  # shown with its line breaks (white-space: pre-wrap)
    assert "/static/consent/signature.js" in page
    assert_csp_clean(page)
    event = AuditEvent.objects.get(object_type="consent_form")
    assert (event.action, event.patient_id) == (Action.VIEW, patient_a.pk)


def test_it_records_a_typed_signature_and_shows_the_record(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_a)
    response = client.post(url(patient_a), form(face_template), REMOTE_ADDR="203.0.113.9")
    record = ConsentRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient_a.pk}/consent/{record.pk}/"
    assert (record.method, record.ip, record.taken_by) == ("typed", "203.0.113.9", practitioner_a)
    assert AuditEvent.objects.filter(action=Action.SIGN, object_id=str(record.pk)).exists()


def test_it_records_a_drawn_signature(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    response = client_for(practitioner_a).post(
        url(patient_a), form(face_template, method="drawn", signature=drawn_signature())
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.method == "drawn"
    assert record.signature.name.endswith(".png")


def test_it_refuses_a_blank_unsigned_submission_keeping_what_was_typed(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    response = client_for(practitioner_a).post(
        url(patient_a),
        form(face_template, signed_name="   ", method="drawn", signature="", confirmed=None),  # type: ignore[arg-type]
    )
    page = html(response)
    assert response.status_code == 200
    assert not ConsentRecord.objects.exists()
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert "There are 3 problems" in summary
    assert '<a href="#id_signed_name">Full name is blank' in summary
    assert '<a href="#signature-pad">Signature is empty' in summary
    assert '<a href="#id_confirmed">Confirmation is not ticked' in summary
    assert re.search(r'<input[^>]*value="drawn"[^>]*checked', page)


def test_it_keeps_a_drawn_signature_when_only_the_name_was_missing(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    signature = drawn_signature()
    response = client_for(practitioner_a).post(
        url(patient_a), form(face_template, signed_name="", method="drawn", signature=signature)
    )
    assert f'value="{signature}"' in html(response)


def test_it_shows_the_new_version_when_the_form_changed_meanwhile(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_a)
    client.get(url(patient_a))
    newer = publish(practitioner_a, body="Version two: new risks explained.")
    response = client.post(url(patient_a), form(face_template, signed_name="Alice Q. Anderson"))
    page = html(response)
    assert response.status_code == 200
    assert not ConsentRecord.objects.exists()
    assert "Version two: new risks explained." in page
    assert "has been replaced by version 2" in page
    assert f'<input type="hidden" name="template_id" value="{newer.pk}"' in page
    assert 'value="Alice Q. Anderson"' in page
    # The confirmation was given for the old text: it must be given again.
    assert not re.search(r'<input[^>]*name="confirmed"[^>]*checked', page)
    # Signing what is now shown succeeds.
    client.post(url(patient_a), form(newer))
    assert ConsentRecord.objects.get().template == newer


def test_it_says_when_no_version_has_been_published(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).get(url(patient_a, "mesotherapy_scalp"))
    assert response.status_code == 200
    assert "has been published yet, so it cannot be signed" in html(response)
    assert '<form method="post" id="form"' not in html(response)


def test_it_escapes_stored_text_everywhere_on_the_page(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    patient = Patient.objects.create(
        site=site_a, given_name=XSS_TEXT, family_name=XSS_TEXT, date_of_birth="1990-01-01"
    )
    publish(practitioner_a, title=XSS_TEXT, body=XSS_TEXT)
    page = html(client_for(practitioner_a).get(url(patient)))
    assert_escaped(page)
    page = html(
        client_for(practitioner_a).post(
            url(patient), {"signed_name": XSS_TEXT, "method": XSS_TEXT, "template_id": "x"}
        )
    )
    assert_escaped(page)


def test_it_refuses_an_unknown_treatment(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).get(url(patient_a, "botox")).status_code == 404


@pytest.mark.parametrize("persona", ["receptionist_a", "manager_a"])
def test_it_refuses_roles_without_take_consent(
    client_for: ClientFor,
    patient_a: Patient,
    face_template: ConsentTemplate,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(patient_a)).status_code == 403
    assert client.post(url(patient_a), form(face_template)).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_it_hides_other_sites_patients(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_b)
    assert client.get(url(patient_a)).status_code == 404
    assert client.post(url(patient_a), form(face_template)).status_code == 404
    assert not ConsentRecord.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in(patient_a: Patient) -> None:
    assert_anonymous_redirected(url(patient_a))
    assert_anonymous_redirected(url(patient_a), method="post")


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).put(url(patient_a)).status_code == 405


def test_a_name_that_is_not_the_patients_is_refused_with_a_way_to_confirm_it(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    client = client_for(practitioner_a)
    assert 'name="name_checked"' not in html(client.get(url(patient_a)))
    response = client.post(url(patient_a), form(face_template, signed_name="Bob Brown"))
    page = html(response)
    assert not ConsentRecord.objects.exists()
    assert (
        "Full name “Bob Brown” is not the patient&#x27;s name on record (Alice Anderson): check "
        "it with the patient, or tick “The name is right as typed” to sign with it."
    ) in page
    assert 'name="name_checked"' in page
    assert 'value="Bob Brown"' in page

    confirmed = client.post(
        url(patient_a), form(face_template, signed_name="Bob Brown", name_checked="on")
    )
    record = ConsentRecord.objects.get()
    assert confirmed.status_code == 302
    assert record.signed_name == "Bob Brown"
    event = AuditEvent.objects.get(action=Action.SIGN)
    assert event.detail["name_checked"] is True


@pytest.mark.parametrize(
    "name", ["alice anderson", "ANDERSON, Alice", "Alice M. Anderson", "Alíce Anderson"]
)
def test_the_patients_name_in_any_case_order_or_with_middle_names_needs_no_check(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
    name: str,
) -> None:
    response = client_for(practitioner_a).post(
        url(patient_a), form(face_template, signed_name=name)
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().signed_name == name
