"""Transactional tests (flushed, not rolled back) can sign consent on both databases."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.services import site_create, staff_create
from mesoclinic.audit.triggers import lift_delete_guard
from mesoclinic.consent.models import ConsentRecord
from mesoclinic.consent.tests.factories import publish, sign
from mesoclinic.consent.tests.flush import remove_consent_records
from mesoclinic.patients.models import Patient


def _signed_record() -> ConsentRecord:
    site = site_create(name="Flush Clinic", code="flush")
    staff = staff_create(
        username="flush_practitioner", password="x" * 20, role=Role.PRACTITIONER, sites=[site]
    )
    patient = Patient.objects.create(
        site=site, given_name="Fay", family_name="Flush", date_of_birth="1990-01-01"
    )
    return sign(staff, patient, publish(staff))


@pytest.mark.usefixtures("consent_records_removed")
def test_it_leaves_a_flushable_database_after_a_transactional_test() -> None:
    record = _signed_record()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()
    # The fixture removes the record after the test; pytest-django's flush then succeeds.


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL flushes with TRUNCATE")
def test_it_refuses_a_flush_while_signed_consent_exists_on_sqlite() -> None:
    _signed_record()
    lift_delete_guard(connection)  # the audit rows' own guard would refuse first
    try:
        with pytest.raises(CommandError) as refused:
            call_command("flush", interactive=False, verbosity=0)
        assert isinstance(refused.value.__cause__, DatabaseError)
        assert "immutable" in str(refused.value.__cause__)
        # The flush runs in one transaction: nothing at all was deleted.
        assert ConsentRecord.objects.count() == 1
    finally:
        remove_consent_records()
