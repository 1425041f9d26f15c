"""Convert: the candidates, linking an existing patient, registering a new one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.enquiries.convert import split_name
from mesoclinic.enquiries.models import Enquiry, Status
from mesoclinic.enquiries.tests.helpers import sent
from mesoclinic.patients.models import Patient

ClientFor = Callable[[User], Client]


def _url(enquiry: Enquiry) -> str:
    return f"/enquiries/{enquiry.pk}/convert/"


def test_it_splits_the_name_as_typed() -> None:
    assert split_name("Mary Jane Smith") == ("Mary Jane", "Smith")
    assert split_name("  Cher ") == ("Cher", "")
    assert split_name("Anna de la Cruz") == ("Anna de la", "Cruz")


def test_it_shows_patients_who_may_be_the_person_audited(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    by_name = sent(site_a, name="Alice Anderson", phone="", email="a@example.org")
    by_phone = sent(site_a, name="A. Person", phone="+447700900123")
    stranger = sent(site_a, name="Zed Nobody", phone="+447700900999")
    client = client_for(receptionist_a)
    for enquiry in (by_name, by_phone):
        body = client.get(_url(enquiry)).content.decode()
        assert "Alice Anderson, born 14/03/1984" in body
    assert "Alice Anderson, born" not in client.get(_url(stranger)).content.decode()
    search = AuditEvent.objects.filter(action=Action.SEARCH, object_type="patient_duplicates")
    assert search.count() == 3
    assert [e.detail["candidates"] for e in search.order_by("pk")] == [[patient_a.pk]] * 2 + [[]]


def test_it_links_an_existing_patient(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    enquiry = sent(site_a, name="Alice Anderson")
    response = client_for(receptionist_a).post(
        _url(enquiry), {"action": "link", "patient": patient_a.pk, "status": "new"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient_a.pk}/"
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.patient) == (Status.CONVERTED, patient_a)
    audit = AuditEvent.objects.get(action=Action.UPDATE, object_type="enquiry")
    assert audit.patient_id == patient_a.pk


def test_it_refuses_to_link_a_patient_that_was_not_a_candidate(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    enquiry = sent(site_a, name="Zed Nobody", phone="+447700900999")
    response = client_for(receptionist_a).post(
        _url(enquiry), {"action": "link", "patient": patient_a.pk, "status": "new"}
    )
    assert response.status_code == 422
    enquiry.refresh_from_db()
    assert enquiry.status == Status.NEW


def test_it_registers_a_new_patient_asking_for_the_date_of_birth(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    enquiry = sent(site_a, name="Jane Q Public")
    client = client_for(receptionist_a)
    page = client.get(_url(enquiry)).content.decode()
    assert 'value="Jane Q"' in page
    assert 'value="Public"' in page
    form = {
        "action": "new",
        "status": "new",
        "given_name": "Jane Q",
        "family_name": "Public",
        "date_of_birth": "",
        "phone": "+447700900456",
        "email": "jane@example.org",
    }
    missing = client.post(_url(enquiry), form)
    assert missing.status_code == 422
    assert "Date of birth" in missing.content.decode()
    assert Patient.objects.filter(family_name="Public").count() == 0
    form["date_of_birth"] = "02/05/1985"
    response = client.post(_url(enquiry), form)
    assert response.status_code == 302
    patient = Patient.objects.get(family_name="Public")
    assert (patient.given_name, patient.date_of_birth) == ("Jane Q", dt.date(1985, 5, 2))
    assert patient.phone == "+447700900456"
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.patient) == (Status.CONVERTED, patient)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="patient").count() == 1


def test_it_warns_of_a_duplicate_and_registers_only_when_confirmed(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    enquiry = sent(site_a, name="Someone Else", phone="+447700900123")
    form = {
        "action": "new",
        "status": "new",
        "given_name": "Someone",
        "family_name": "Else",
        "date_of_birth": "01/01/1990",
        "phone": "+447700900123",
    }
    client = client_for(receptionist_a)
    warned = client.post(_url(enquiry), form)
    assert warned.status_code == 409
    assert "Possibly already registered" in warned.content.decode()
    assert Patient.objects.count() == 1
    enquiry.refresh_from_db()
    assert enquiry.status == Status.NEW
    form["confirm_duplicate"] = "on"
    assert client.post(_url(enquiry), form).status_code == 302
    assert Patient.objects.count() == 2


def test_it_answers_409_for_an_enquiry_already_converted(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    enquiry = sent(site_a, name="Alice Anderson")
    client = client_for(receptionist_a)
    client.post(_url(enquiry), {"action": "link", "patient": patient_a.pk, "status": "new"})
    assert client.get(_url(enquiry)).status_code == 409
