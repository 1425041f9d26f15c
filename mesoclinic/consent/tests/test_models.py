"""Immutability and invariants held by the models, their querysets and the database itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate, PhotoConsent
from mesoclinic.consent.tests.factories import give_photo_consent, sign
from mesoclinic.patients.models import Patient


def raw(sql: str, *params: Any) -> None:
    # In its own savepoint, so that PostgreSQL's aborted statement leaves the test usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def record(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> ConsentRecord:
    return sign(practitioner_a, patient_a, face_template)


def test_it_refuses_to_save_a_signed_record_again(record: ConsentRecord) -> None:
    record.signed_name = "Someone Else"
    with pytest.raises(TypeError, match="immutable"):
        record.save()
    assert ConsentRecord.objects.get(pk=record.pk).signed_name == "Alice Anderson"


def test_it_refuses_to_delete_a_signed_record(record: ConsentRecord) -> None:
    with pytest.raises(TypeError, match="immutable"):
        record.delete()


def test_it_refuses_queryset_updates_and_deletes(record: ConsentRecord) -> None:
    with pytest.raises(TypeError, match="immutable"):
        ConsentRecord.objects.filter(pk=record.pk).update(signed_name="Someone Else")
    with pytest.raises(TypeError, match="immutable"):
        ConsentRecord.objects.filter(pk=record.pk).delete()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_it_refuses_an_update_in_the_database(record: ConsentRecord) -> None:
    with pytest.raises(DatabaseError, match="immutable"):
        raw("UPDATE consent_consentrecord SET signed_name = %s WHERE id = %s", "X", record.pk)
    assert ConsentRecord.objects.get(pk=record.pk).signed_name == "Alice Anderson"


def test_it_refuses_a_delete_in_the_database(record: ConsentRecord) -> None:
    with pytest.raises(DatabaseError, match="immutable"):
        raw("DELETE FROM consent_consentrecord WHERE id = %s", record.pk)
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_it_refuses_an_unconfirmed_record_in_the_database(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            patient=patient_a,
            template=face_template,
            signed_name="Alice Anderson",
            method="typed",
            confirmed=False,
            taken_by=practitioner_a,
        )


@pytest.mark.parametrize(
    ("method", "signature", "name"),
    [
        ("drawn", "", "Alice"),
        ("typed", "consent/x.png", "Alice"),
        ("typed", "", ""),
        ("inked", "", "A"),
    ],
)
def test_it_refuses_inconsistent_records_in_the_database(
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
    method: str,
    signature: str,
    name: str,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            patient=patient_a,
            template=face_template,
            signed_name=name,
            method=method,
            signature=signature,
            confirmed=True,
            taken_by=practitioner_a,
        )


def test_it_keeps_one_current_version_per_treatment(
    practitioner_a: User, face_template: ConsentTemplate
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentTemplate.objects.create(
            treatment=face_template.treatment,
            title="Another",
            version=2,
            body="Text",
            created_by=practitioner_a,
            is_current=True,
        )


def test_it_refuses_two_templates_with_the_same_version(
    practitioner_a: User, face_template: ConsentTemplate
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentTemplate.objects.create(
            treatment=face_template.treatment,
            title="Another",
            version=face_template.version,
            body="Text",
            created_by=practitioner_a,
            is_current=False,
        )


def test_it_refuses_to_edit_a_template_version(face_template: ConsentTemplate) -> None:
    face_template.body = "Different text"
    with pytest.raises(TypeError, match="immutable"):
        face_template.save()
    with pytest.raises(TypeError, match="kept"):
        face_template.delete()
    with pytest.raises(DatabaseError, match="immutable"):
        raw("UPDATE consent_consenttemplate SET body = %s WHERE id = %s", "X", face_template.pk)
    with pytest.raises(DatabaseError, match="immutable"):
        raw("UPDATE consent_consenttemplate SET title = %s WHERE id = %s", "X", face_template.pk)
    assert ConsentTemplate.objects.get(pk=face_template.pk).body.startswith("Mesotherapy")


def test_it_lets_the_database_move_only_the_current_flag(face_template: ConsentTemplate) -> None:
    raw("UPDATE consent_consenttemplate SET is_current = %s WHERE id = %s", False, face_template.pk)
    assert ConsentTemplate.objects.get(pk=face_template.pk).is_current is False


def test_it_keeps_photo_consent_scopes_fixed(practitioner_a: User, patient_a: Patient) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    consent.marketing = True
    with pytest.raises(TypeError, match="kept as given"):
        consent.save()
    with pytest.raises(TypeError, match="kept"):
        consent.delete()
    with pytest.raises(TypeError, match="kept"):
        PhotoConsent.objects.filter(pk=consent.pk).delete()
    with pytest.raises(DatabaseError, match="kept as given"):
        raw("UPDATE consent_photoconsent SET marketing = %s WHERE id = %s", True, consent.pk)
    assert PhotoConsent.objects.get(pk=consent.pk).marketing is False


def test_it_stamps_a_withdrawal_once_in_the_database(
    practitioner_a: User, patient_a: Patient
) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    raw(
        "UPDATE consent_photoconsent SET withdrawn_at = %s, withdrawn_by_id = %s WHERE id = %s",
        timezone.now(),
        practitioner_a.pk,
        consent.pk,
    )
    with pytest.raises(DatabaseError, match="kept as given"):
        raw("UPDATE consent_photoconsent SET withdrawn_at = NULL, withdrawn_by_id = NULL")
    assert PhotoConsent.objects.get(pk=consent.pk).withdrawn_at is not None


def test_it_refuses_a_half_recorded_withdrawal(practitioner_a: User, patient_a: Patient) -> None:
    consent = give_photo_consent(practitioner_a, patient_a)
    with pytest.raises(IntegrityError):
        raw(
            "UPDATE consent_photoconsent SET withdrawn_at = %s WHERE id = %s",
            timezone.now(),
            consent.pk,
        )
