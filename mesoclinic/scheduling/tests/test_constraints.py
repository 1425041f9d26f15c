"""The database's own guards, below the services: what holds even if a service forgot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from mesoclinic.accounts.models import Site, User
from mesoclinic.core.db import violated_constraint
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Service, Status

START = dt.datetime(2027, 1, 11, 10, tzinfo=dt.UTC)


def row(
    site: Site, patient: Patient, practitioner: User, service: Service, **kw: object
) -> Appointment:
    values: dict[str, object] = {
        "site": site,
        "patient": patient,
        "service": service,
        "practitioner": practitioner,
        "start": START,
        "end": START + dt.timedelta(minutes=45),
        "held_from": START,
        "held_until": START + dt.timedelta(hours=1),
        **kw,
    }
    return Appointment.objects.create(**values)


@pytest.fixture
def service(db: None) -> Service:
    return Service.objects.create(
        code="c", name="C", patient_facing_name="C", duration=dt.timedelta(minutes=45)
    )


def test_it_refuses_an_end_before_the_start(
    site_a: Site, patient_a: Patient, practitioner_a: User, service: Service
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        row(site_a, patient_a, practitioner_a, service, end=START - dt.timedelta(minutes=1))


def test_it_refuses_an_unknown_status(
    site_a: Site, patient_a: Patient, practitioner_a: User, service: Service
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        row(site_a, patient_a, practitioner_a, service, status="maybe")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints: PostgreSQL")
def test_postgresql_refuses_overlap_unless_cancelled_or_overbooked(
    site_a: Site, patient_a: Patient, practitioner_a: User, service: Service, patient_b: Patient
) -> None:
    row(site_a, patient_a, practitioner_a, service)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        row(
            site_a,
            patient_b,
            practitioner_a,
            service,
            start=START + dt.timedelta(minutes=50),
            end=START + dt.timedelta(minutes=95),
            held_from=START + dt.timedelta(minutes=50),
            held_until=START + dt.timedelta(minutes=95),
        )
    assert violated_constraint(error.value) == "scheduling_appointment_practitioner_no_overlap"
    row(site_a, patient_b, practitioner_a, service, status=Status.CANCELLED)
    row(site_a, patient_b, practitioner_a, service, overbook_reason="urgent")
    # Touching is not overlapping: [10:00, 11:00) then [11:00, 12:00).
    row(
        site_a,
        patient_b,
        practitioner_a,
        service,
        start=START + dt.timedelta(hours=1),
        end=START + dt.timedelta(minutes=105),
        held_from=START + dt.timedelta(hours=1),
        held_until=START + dt.timedelta(hours=2),
    )
