"""The enquiry's answers reach the patient's first consultation as a draft the practitioner
asks for."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.enquiries.services import enquiry_convert_link
from mesoclinic.enquiries.tests.helpers import sent
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def _converted(site: Site, receptionist: User, patient: Patient) -> int:
    enquiry = sent(site, name="Alice Anderson")
    enquiry_convert_link(actor=receptionist, enquiry=enquiry, patient=patient)
    return enquiry.pk


def test_it_offers_the_answers_on_the_new_consultation_form(
    client_for: ClientFor,
    practitioner_a: User,
    receptionist_a: User,
    site_a: Site,
    patient_a: Patient,
) -> None:
    enquiry_id = _converted(site_a, receptionist_a, patient_a)
    url = f"/patients/{patient_a.pk}/consultations/new/"
    client = client_for(practitioner_a)
    offered = client.get(url)
    body = offered.content.decode()
    assert "From the enquiry of" in body
    assert "Thinning hair (pattern hair loss)" in body
    assert f"?from_enquiry={enquiry_id}" in body
    assert offered.context["form"].initial.get("concern_hair_loss") is None
    filled = client.get(url, {"from_enquiry": enquiry_id})
    initial = filled.context["form"].initial
    assert initial["concern_hair_loss"] == ["scalp", "periorbital_lateral"]
    assert initial["concern_fine_lines"] == ["scalp", "periorbital_lateral"]
    assert initial["medications"] == ["anticoagulant"]
    assert "check each with the patient" in filled.content.decode()
    reads = AuditEvent.objects.filter(
        action=Action.VIEW, object_type="enquiry", object_id=str(enquiry_id)
    )
    assert reads.count() == 2
    assert {read.patient_id for read in reads} == {patient_a.pk}


def test_it_offers_nothing_to_a_patient_without_an_enquiry(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    body = client_for(practitioner_a).get(f"/patients/{patient_a.pk}/consultations/new/")
    assert "From the enquiry of" not in body.content.decode()
