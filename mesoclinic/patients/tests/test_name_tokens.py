"""Patient.save keeps the name tokens that name search scans in step with the name and site."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.accounts.models import Site
from mesoclinic.patients.models import Patient, PatientNameToken
from mesoclinic.patients.services import patient_search_reindex
from mesoclinic.patients.tests.helpers import make_patient


def _tokens(patient: Patient) -> set[tuple[str, int]]:
    return set(PatientNameToken.objects.filter(patient=patient).values_list("token", "site_id"))


def test_it_writes_tokens_when_a_patient_is_created(site_a: Site) -> None:
    patient = make_patient(site_a, given_name="Mary Ann", family_name="Smith-Jones")
    assert _tokens(patient) == {
        (token, site_a.pk) for token in ("smith", "jones", "smithjones", "mary", "ann")
    }


def test_it_replaces_tokens_when_the_name_changes(site_a: Site) -> None:
    patient = make_patient(site_a, given_name="Alice", family_name="Anderson")
    patient.family_name = "Brown"
    patient.save()
    assert _tokens(patient) == {("brown", site_a.pk), ("alice", site_a.pk)}


def test_it_moves_tokens_with_the_patient_to_another_site(site_a: Site, site_b: Site) -> None:
    patient = make_patient(site_a, given_name="Alice", family_name="Anderson")
    patient.site = site_b
    patient.save()
    assert _tokens(patient) == {("anderson", site_b.pk), ("alice", site_b.pk)}


def test_it_leaves_tokens_alone_when_saving_other_fields(site_a: Site) -> None:
    patient = make_patient(site_a, given_name="Alice", family_name="Anderson")
    patient.phone = "07700 900123"
    with CaptureQueriesContext(connection) as queries:
        patient.save(update_fields=["phone", "search_phone"])
    assert not [q for q in queries.captured_queries if "patientnametoken" in q["sql"]]
    assert _tokens(patient) == {("anderson", site_a.pk), ("alice", site_a.pk)}


def test_reindex_rebuilds_tokens_after_a_bulk_load(site_a: Site) -> None:
    Patient.objects.bulk_create(
        Patient(
            site=site_a,
            given_name=f"Given{n}",
            family_name="Bulk",
            search_name=f"bulk given{n}",
            date_of_birth=dt.date(1990, 1, 1),
        )
        for n in range(3)
    )
    assert not PatientNameToken.objects.exists()
    assert patient_search_reindex() == 6
    assert set(PatientNameToken.objects.values_list("token", flat=True)) == {
        "bulk",
        "given0",
        "given1",
        "given2",
    }
