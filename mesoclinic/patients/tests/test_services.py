"""Writes of patients: rules, duplicates, read-only archives, and the audit of each."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from mesoclinic.accounts.access import Capability
from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.core.errors import Forbidden, Invalid, NotFound
from mesoclinic.patients.errors import PatientArchived, PossibleDuplicate
from mesoclinic.patients.models import Patient
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.patients.services import (
    PatientDetails,
    patient_archive,
    patient_create,
    patient_unarchive,
    patient_update,
)
from mesoclinic.patients.tests.helpers import make_patient

TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
ALICE = PatientDetails(
    given_name="Alice",
    family_name="Anderson",
    date_of_birth=dt.date(1984, 3, 14),
    sex="female",
    email="alice@example.org",
    phone="+44 7700 900123",
    address="1 High Street\nLondon",
)


def _create(actor: User, site: Site, details: PatientDetails = ALICE, **kwargs: bool) -> Patient:
    with acting_as(actor):
        return patient_create(actor=actor, site_id=site.pk, details=details, **kwargs)


def test_it_registers_a_patient_and_audits_it(receptionist_a: User, site_a: Site) -> None:
    patient = _create(receptionist_a, site_a)
    assert patient.created_by == receptionist_a
    assert patient.search_name == "anderson alice"
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert (event.actor, event.site_id, event.patient_id) == (receptionist_a, site_a.pk, patient.pk)
    assert event.object_type == "patient"
    assert event.detail == {}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("born", "message"),
    [
        (
            dt.date(2026, 11, 26),
            "Date of birth: 26/11/2026 is in the future (today is 25/11/2026).",
        ),
        (dt.date(1899, 12, 31), "Date of birth: 31/12/1899 is before 01/01/1900; check the year."),
    ],
)
def test_it_refuses_a_date_of_birth_out_of_range(
    receptionist_a: User, site_a: Site, born: dt.date, message: str
) -> None:
    details = PatientDetails(given_name="A", family_name="B", date_of_birth=born)
    with pytest.raises(Invalid) as refused:
        _create(receptionist_a, site_a, details)
    assert refused.value.errors == {"date_of_birth": [message]}
    assert not Patient.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_it_accepts_today_and_1900_as_dates_of_birth(receptionist_a: User, site_a: Site) -> None:
    for born, name in ((dt.date(2026, 11, 25), "Newborn"), (dt.date(1900, 1, 1), "Elder")):
        details = PatientDetails(given_name=name, family_name="Edge", date_of_birth=born)
        _create(receptionist_a, site_a, details)
    assert Patient.objects.count() == 2


def test_it_refuses_and_audits_registration_at_another_site(
    practitioner_b: User, site_a: Site
) -> None:
    with pytest.raises(Invalid) as refused:
        _create(practitioner_b, site_a)
    assert refused.value.errors == {"site": [f"Site: {site_a.pk} is not one of your sites."]}
    event = AuditEvent.objects.get()
    assert (event.outcome, event.action, event.actor) == (
        Outcome.DENIED,
        Action.CREATE,
        practitioner_b,
    )
    assert event.detail == {"reason": f"other_site:{site_a.pk}"}


def test_it_warns_of_a_same_name_and_birth_date_duplicate(
    receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    details = PatientDetails(
        given_name="ALICE", family_name="Ánderson", date_of_birth=patient_a.date_of_birth
    )
    with pytest.raises(PossibleDuplicate) as warned:
        _create(receptionist_a, site_a, details)
    assert warned.value.candidates == [patient_a]
    assert Patient.objects.count() == 1
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type) == (Action.SEARCH, "patient_duplicates")
    assert event.detail == {"candidates": [patient_a.pk]}


def test_it_warns_of_a_same_phone_duplicate(
    receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    details = PatientDetails(
        given_name="Bea",
        family_name="Other",
        date_of_birth=dt.date(1970, 1, 1),
        phone="07700900123",
    )
    with pytest.raises(PossibleDuplicate) as warned:
        _create(receptionist_a, site_a, details)
    assert warned.value.candidates == [patient_a]


def test_it_ignores_archived_and_other_site_patients_as_duplicates(
    receptionist_a: User, site_a: Site, site_b: Site, patient_a: Patient
) -> None:
    make_patient(
        site_b, given_name="Alice", family_name="Anderson", date_of_birth=ALICE.date_of_birth
    )
    patient_a.archived_at = TODAY
    patient_a.save()
    patient = _create(receptionist_a, site_a)
    assert patient.pk != patient_a.pk


def test_it_registers_a_confirmed_duplicate_and_records_the_candidates(
    receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    patient = _create(receptionist_a, site_a, confirm_duplicate=True)
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert event.patient_id == patient.pk
    assert event.detail == {"duplicate_confirmed": [patient_a.pk]}


def test_update_audits_the_names_of_changed_fields_never_their_values(
    practitioner_a: User, patient_a: Patient
) -> None:
    details = PatientDetails.of(patient_a)
    changed = PatientDetails(
        **{**details.__dict__, "phone": "020 7946 0000", "email": "new@example.org"}
    )
    with acting_as(practitioner_a):
        patient_update(actor=practitioner_a, patient_id=patient_a.pk, details=changed)
    patient_a.refresh_from_db()
    assert (patient_a.phone, patient_a.search_phone) == ("020 7946 0000", "02079460000")
    event = AuditEvent.objects.get()
    assert (event.action, event.patient_id) == (Action.UPDATE, patient_a.pk)
    assert event.detail == {"fields": ["email", "phone"]}
    assert "new@example.org" not in str(event.detail)


def test_update_without_changes_saves_nothing_and_records_the_read(
    practitioner_a: User, patient_a: Patient
) -> None:
    before = patient_a.updated_at
    with acting_as(practitioner_a):
        patient_update(
            actor=practitioner_a, patient_id=patient_a.pk, details=PatientDetails.of(patient_a)
        )
    patient_a.refresh_from_db()
    assert patient_a.updated_at == before
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == (Action.VIEW, {"unchanged": "update"})


def test_update_refuses_another_sites_user_and_keeps_the_refusal_on_record(
    practitioner_b: User, patient_a: Patient
) -> None:
    with acting_as(practitioner_b), pytest.raises(NotFound):
        patient_update(
            actor=practitioner_b, patient_id=patient_a.pk, details=PatientDetails.of(patient_a)
        )
    event = AuditEvent.objects.get()
    assert (event.outcome, event.patient_id) == (Outcome.DENIED, patient_a.pk)


def test_archived_patients_are_read_only(practitioner_a: User, patient_a: Patient) -> None:
    with acting_as(practitioner_a):
        patient_archive(actor=practitioner_a, patient_id=patient_a.pk)
        renamed = PatientDetails(**{**PatientDetails.of(patient_a).__dict__, "given_name": "X"})
        with pytest.raises(PatientArchived):
            patient_update(actor=practitioner_a, patient_id=patient_a.pk, details=renamed)
    patient_a.refresh_from_db()
    assert patient_a.given_name == "Alice"
    archived, refused = AuditEvent.objects.order_by("id")
    assert archived.action == Action.ARCHIVE
    assert (refused.action, refused.outcome, refused.detail) == (
        Action.UPDATE,
        Outcome.DENIED,
        {"reason": "archived"},
    )


def test_archiving_twice_changes_nothing_the_second_time(
    practitioner_a: User, patient_a: Patient
) -> None:
    with acting_as(practitioner_a):
        first = patient_archive(actor=practitioner_a, patient_id=patient_a.pk).archived_at
        again = patient_archive(actor=practitioner_a, patient_id=patient_a.pk)
    patient_a.refresh_from_db()
    assert first is not None
    assert patient_a.archived_at == again.archived_at == first
    assert AuditEvent.objects.filter(action=Action.ARCHIVE).count() == 1


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_only_managers_restore_archived_patients(
    request: pytest.FixtureRequest, persona: str, patient_a: Patient
) -> None:
    user: User = request.getfixturevalue(persona)
    patient_a.archived_at = TODAY
    patient_a.save()
    with acting_as(user), pytest.raises(Forbidden):
        patient_unarchive(actor=user, patient_id=patient_a.pk)
    patient_a.refresh_from_db()
    assert patient_a.is_archived
    assert AuditEvent.objects.get().outcome == Outcome.DENIED


def test_a_manager_restores_an_archived_patient(manager_a: User, patient_a: Patient) -> None:
    patient_a.archived_at = TODAY
    patient_a.save()
    with acting_as(manager_a):
        patient_unarchive(actor=manager_a, patient_id=patient_a.pk)
    patient_a.refresh_from_db()
    assert not patient_a.is_archived
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == (
        Action.UPDATE,
        {"fields": ["archived_at"], "restored": True},
    )


def test_other_apps_get_a_patient_for_writing_only_while_not_archived(
    practitioner_a: User, patient_a: Patient
) -> None:
    with acting_as(practitioner_a):
        assert patient_get_for_write(practitioner_a, patient_a.pk) == patient_a
        patient_a.archived_at = TODAY
        patient_a.save()
        with pytest.raises(PatientArchived):
            patient_get_for_write(practitioner_a, patient_a.pk, capability=Capability.EDIT_CLINICAL)
    event = AuditEvent.objects.get()
    assert (event.outcome, event.detail) == (Outcome.DENIED, {"reason": "archived"})
