"""The database's own rules for enquiries (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from mesoclinic.accounts.models import Site
from mesoclinic.enquiries.models import Enquiry, EnquiryEvent, Status
from mesoclinic.patients.models import Patient


def _row(site: Site, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "site": site,
        "name": "Jane Public",
        "email": "jane@example.org",
        "phone": "",
        "consent_to_contact": True,
    }
    fields.update(changes)
    return fields


def _refused(**fields: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.create(**fields)


def test_it_needs_an_email_or_a_phone(site_a: Site) -> None:
    _refused(**_row(site_a, email="", phone=""))
    Enquiry.objects.create(**_row(site_a, email="", phone="+447700900456"))
    Enquiry.objects.create(**_row(site_a, email="jane@example.org", phone=""))


def test_it_needs_consent_to_contact(site_a: Site) -> None:
    _refused(**_row(site_a, consent_to_contact=False))


def test_it_needs_a_name(site_a: Site) -> None:
    _refused(**_row(site_a, name=""))


def test_it_refuses_an_unknown_status(site_a: Site) -> None:
    _refused(**_row(site_a, status="lost"))


def test_it_links_a_patient_exactly_when_converted(site_a: Site, patient_a: Patient) -> None:
    _refused(**_row(site_a, status=Status.CONVERTED))
    _refused(**_row(site_a, status=Status.NEW, patient=patient_a))
    Enquiry.objects.create(**_row(site_a, status=Status.CONVERTED, patient=patient_a))


def test_it_refuses_an_event_of_an_unknown_status(site_a: Site) -> None:
    enquiry = Enquiry.objects.create(**_row(site_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        EnquiryEvent.objects.create(enquiry=enquiry, to_status="lost")
