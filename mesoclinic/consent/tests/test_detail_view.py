"""A signed consent record and its signature image, both behind the access check."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate
from mesoclinic.consent.tests.factories import XSS_TEXT, publish, sign
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    assert_escaped,
    html,
)
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


@pytest.fixture
def record(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> ConsentRecord:
    return sign(practitioner_a, patient_a, face_template)


def url(record: ConsentRecord, suffix: str = "") -> str:
    return f"/patients/{record.patient_id}/consent/{record.pk}/{suffix}"


@pytest.mark.parametrize("persona", ["practitioner_a", "manager_a"])
def test_it_shows_what_was_signed_by_whom_and_when(
    client_for: ClientFor, record: ConsentRecord, persona: str, request: pytest.FixtureRequest
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(url(record))
    page = html(response)
    assert response.status_code == 200
    assert "Alice Anderson" in page
    assert "Risks: bruising, swelling, infection (rare)." in page
    assert "192.0.2.10" in page
    assert "NMC 12A3456E" in page  # the practitioner's registration
    assert f'<img class="signature-image" src="{url(record, "signature.png")}"' in page
    assert_csp_clean(page)
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="consent_record")
    assert event.object_id == str(record.pk)


def test_it_shows_the_version_signed_even_after_a_new_one(
    client_for: ClientFor, practitioner_a: User, record: ConsentRecord
) -> None:
    publish(practitioner_a, body="Entirely new wording.")
    page = html(client_for(practitioner_a).get(url(record)))
    assert "Version 1, published" in page
    assert "Entirely new wording." not in page


def test_it_serves_the_signature_as_a_private_png(
    client_for: ClientFor, practitioner_a: User, record: ConsentRecord
) -> None:
    response = client_for(practitioner_a).get(url(record, "signature.png"))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert (
        response["Content-Disposition"] == f'inline; filename="consent-{record.pk}-signature.png"'
    )
    assert AuditEvent.objects.filter(
        action=Action.DOWNLOAD, object_type="consent_signature"
    ).exists()


def test_it_has_no_image_for_a_typed_signature(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
) -> None:
    typed = sign(practitioner_a, patient_a, face_template, drawn=False)
    client = client_for(practitioner_a)
    assert "signature-image" not in html(client.get(url(typed)))
    assert client.get(url(typed, "signature.png")).status_code == 404


def test_it_does_not_find_a_record_under_another_patient(
    client_for: ClientFor, practitioner_a: User, record: ConsentRecord, site_a: Site
) -> None:
    other = Patient.objects.create(
        site=site_a, given_name="Other", family_name="Patient", date_of_birth="1970-01-01"
    )
    client = client_for(practitioner_a)
    assert client.get(f"/patients/{other.pk}/consent/{record.pk}/").status_code == 404
    assert client.get(f"/patients/{other.pk}/consent/{record.pk}/signature.png").status_code == 404
    assert client.get(f"/patients/{other.pk}/consent/999999/").status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED).count() == 3


def test_it_escapes_the_stored_text(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    template = publish(practitioner_a, title=XSS_TEXT, body=XSS_TEXT)
    record = sign(practitioner_a, patient_a, template, name=XSS_TEXT)
    assert_escaped(html(client_for(practitioner_a).get(url(record))))


@pytest.mark.parametrize("suffix", ["", "signature.png"])
def test_it_refuses_a_receptionist(
    client_for: ClientFor, receptionist_a: User, record: ConsentRecord, suffix: str
) -> None:
    assert client_for(receptionist_a).get(url(record, suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ["", "signature.png"])
def test_it_hides_other_sites_records(
    client_for: ClientFor, practitioner_b: User, record: ConsentRecord, suffix: str
) -> None:
    assert client_for(practitioner_b).get(url(record, suffix)).status_code == 404


@pytest.mark.parametrize("suffix", ["", "signature.png"])
def test_it_sends_anonymous_visitors_to_sign_in(record: ConsentRecord, suffix: str) -> None:
    assert_anonymous_redirected(url(record, suffix))


@pytest.mark.parametrize("suffix", ["", "signature.png"])
def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, record: ConsentRecord, suffix: str
) -> None:
    client = client_for(practitioner_a)
    assert client.post(url(record, suffix)).status_code == 405
    assert client.delete(url(record, suffix)).status_code == 405
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_it_serves_no_stored_file_from_a_public_url(
    client_for: ClientFor, practitioner_a: User, record: ConsentRecord
) -> None:
    client = client_for(practitioner_a)
    assert client.get(f"/media/{record.signature.name}").status_code == 404
    assert client.get(f"/{record.signature.name}").status_code == 404
