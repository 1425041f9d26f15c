"""The plan's visits as the page prints them: dates in words, lidocaine only where it counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.patients.models import Patient

START = dt.date(2027, 1, 11)


def _visits_table(
    client: Client, patient: Patient, practitioner: User, concerns: list[dict[str, object]]
) -> str:
    consultation = make_consultation(
        patient, practitioner, weight_kg=Decimal("64"), concerns=concerns
    )
    plan = make_plan(consultation, practitioner, start_date=START)
    html = client.get(url("plan", plan=plan)).content.decode()
    tables: list[str] = re.findall(r"<table class=\"visits stack\">.*?</table>", html, re.S)
    return tables[0]


def test_visit_dates_are_printed_in_words_as_elsewhere_in_the_app(
    client_for: Callable[[User], Client], practitioner_a: User, patient_a: Patient
) -> None:
    table = _visits_table(
        client_for(practitioner_a),
        patient_a,
        practitioner_a,
        [{"concern": "fine_lines", "zones": ["forehead"]}],
    )
    dates = re.findall(r'<td data-label="Date">([^<]*?)\s*</td>', table)
    assert dates[:2] == ["11 January 2027", "8 February 2027"]
    assert "2027-01-11" not in table


def test_a_plan_whose_visits_use_no_lidocaine_has_no_lidocaine_column(
    client_for: Callable[[User], Client], practitioner_a: User, patient_a: Patient
) -> None:
    table = _visits_table(
        client_for(practitioner_a),
        patient_a,
        practitioner_a,
        [{"concern": "fine_lines", "zones": ["forehead"]}],
    )
    assert "Lidocaine" not in table
    assert "at most" not in table
    assert "0 mg" not in table


def test_a_visit_whose_lidocaine_is_unknown_shows_the_ceiling(
    client_for: Callable[[User], Client], practitioner_a: User, patient_a: Patient
) -> None:
    table = _visits_table(
        client_for(practitioner_a),
        patient_a,
        practitioner_a,
        [{"concern": "pigmentation", "zones": ["cheeks"]}],
    )
    assert '<th scope="col">Lidocaine</th>' in table
    assert '<td data-label="Lidocaine">not established (at most 288 mg)</td>' in table
