"""The consultation form without JavaScript: checkboxes post the concerns; errors re-render it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import time_machine
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.tests.helpers import make_consultation, url
from mesoclinic.patients.models import Patient

GOOD = {
    "held_at": "2027-07-01T09:15",
    "conditions": ["diabetes"],
    "medications": [],
    "allergies": ["lidocaine"],
    "childbearing_potential": "yes",
    "weight_kg": "61.5",
    "needle_fear": "mild",
    "fitzpatrick_type": "III",
    "notes": "Wants a natural result.",
    "concern_pigmentation": ["cheeks", "forehead"],
    "concern_hair_loss": ["scalp"],
}


def test_the_form_offers_every_concern_and_zone_as_checkboxes_and_the_map(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(practitioner_a).get(url("create", patient=patient_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('type="checkbox" name="concern_pigmentation"') == 22
    assert 'value="periorbital_lateral"' in html
    # The map: hidden until the script runs, one element per zone, keyboard-reachable.
    assert re.search(
        r'<div id="zone-map" class="zone-map zone-map-edit" data-mode="edit" hidden>', html
    )
    assert len(re.findall(r'data-zone="[a-z_]+"[^>]*tabindex="0" role="checkbox"', html)) == 22
    assert (
        'button type="button" class="concern-button concern-hair_loss" data-concern="hair_loss"'
        in html
    )
    assert 'src="/static/consultations/map.js"' in html
    assert "<script>" not in html
    assert " style=" not in html
    assert " onclick" not in html


def test_it_saves_the_posted_checkboxes_and_times_in_the_clinic_zone(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(practitioner_a).post(url("create", patient=patient_a), GOOD)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", consultation)
    # 09:15 British Summer Time is 08:15 UTC.
    assert consultation.held_at.isoformat() == "2027-07-01T08:15:00+00:00"
    assert consultation.concerns == [
        {"concern": "pigmentation", "zones": ["cheeks", "forehead"]},
        {"concern": "hair_loss", "zones": ["scalp"]},
    ]
    assert consultation.childbearing_potential is True
    assert str(consultation.weight_kg) == "61.5"
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="consultation").count() == 1


def test_bad_input_re_renders_with_a_summary_naming_fields_and_values_and_keeps_the_input(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    data = {
        **GOOD,
        "weight_kg": "sixty",
        "held_at": "2027-03-28T01:30",
        "concern_laxity": ["knees"],
    }
    response = client_for(practitioner_a).post(url("create", patient=patient_a), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert not Consultation.objects.exists()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert (
        '<a href="#id_weight_kg">Weight (kg): Enter a number. (you entered “sixty”)</a>' in summary
    )
    # 01:30 on 28 March 2027 does not exist in London (the clocks go forward).
    assert '<a href="#id_held_at">Date and time: 2027-03-28 01:30:00 couldn' in summary
    assert "be interpreted in time zone Europe/London" in summary
    assert (
        'href="#id_concern_laxity">Laxity (loss of firmness): Select a valid choice. '
        "knees is not one of the available choices."
    ) in summary
    # Everything typed is still there.
    assert 'name="weight_kg" value="sixty"' in html
    assert 'name="notes"' in html
    assert "Wants a natural result." in html
    assert re.search(r'name="concern_pigmentation" value="cheeks"[^>]*checked', html)
    assert re.search(r'name="allergies" value="lidocaine"[^>]*checked', html)
    assert 'id="id_concern_laxity"' in html  # the summary's link target exists


def test_a_service_refusal_shows_in_the_summary(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    data = {**GOOD, "pregnant": "on", "childbearing_potential": "no"}
    response = client_for(practitioner_a).post(url("create", patient=patient_a), data)
    assert response.status_code == 422
    assert (
        '<a href="#id_childbearing_potential">Childbearing potential: a pregnant patient has '
        "childbearing potential"
    ) in response.content.decode()


def test_the_edit_form_shows_the_stored_values_and_saves_changes(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    consultation = make_consultation(patient_a, practitioner_a, conditions=["diabetes"])
    client = client_for(practitioner_a)
    html = client.get(url("edit", consultation)).content.decode()
    assert 'value="2027-01-10T10:30"' in html  # 10:30 UTC is 10:30 GMT in January
    assert re.search(r'name="conditions" value="diabetes"[^>]*checked', html)
    assert re.search(r'name="concern_hair_loss" value="scalp"[^>]*checked', html)
    response = client.post(url("edit", consultation), {**GOOD, "held_at": "2027-01-10T10:30"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.needle_fear == "mild"


def test_a_completed_consultation_is_not_editable(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    client = client_for(practitioner_a)
    assert client.post(url("complete", consultation)).status_code == 302
    response = client.get(url("edit", consultation))
    assert response.status_code == 302
    assert response["Location"] == url("detail", consultation)
    response = client.post(url("edit", consultation), GOOD, follow=True)
    assert "can no longer be edited" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.needle_fear == "none"


def test_generating_a_plan_from_the_detail_page(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    client = client_for(practitioner_a)
    response = client.post(url("plan_generate", consultation), {"start_date": "2027-01-05"})
    assert response.status_code == 422
    assert (
        "First visit: the first visit cannot be before the consultation (2027-01-10), "
        "got 2027-01-05"
    ) in response.content.decode()
    response = client.post(url("plan_generate", consultation), {"start_date": ""})
    plan = consultation.plans.get()
    assert response["Location"] == url("plan", plan=plan)
    assert plan.request["start_date"] == "2027-01-11"


@time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_consultation_dated_years_ahead_is_refused_naming_the_date(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(practitioner_a).post(
        url("create", patient=patient_a), {**GOOD, "held_at": "2062-07-01T09:15"}
    )
    assert response.status_code == 422
    assert not Consultation.objects.exists()
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert (
        '<a href="#id_held_at">Date and time: &#x27;2062-07-01T09:15:00+01:00&#x27; is out of '
        "range; give a date from 1900-01-01 to 2027-12-03</a>"
    ) in summary


@time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_consultation_within_the_coming_year_is_accepted(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(practitioner_a).post(
        url("create", patient=patient_a), {**GOOD, "held_at": "2027-11-30T09:15"}
    )
    assert response.status_code == 302
    assert Consultation.objects.count() == 1


def test_a_consultation_before_the_patient_was_born_is_refused(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    born = patient_a.date_of_birth
    response = client_for(practitioner_a).post(
        url("create", patient=patient_a), {**GOOD, "held_at": f"{born.year - 1}-06-01T09:15"}
    )
    assert response.status_code == 422
    assert (
        f"Date and time: 1 June {born.year - 1} is before the patient was born "
        f"({born.day} {born:%B %Y})"
    ) in response.content.decode()
