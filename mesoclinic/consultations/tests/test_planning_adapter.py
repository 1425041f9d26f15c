"""The ORM -> planning contract adapter: age, sex, start date, and code validation messages."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.accounts.models import Site
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.tests.helpers import CONCERNS
from mesoclinic.patients.models import Patient


def _consultation(
    patient: Patient, site: Site, held_at: dt.datetime, **fields: object
) -> Consultation:
    values: dict[str, object] = {"concerns": [dict(c) for c in CONCERNS]}
    values.update(fields)
    return Consultation(patient=patient, site=site, held_at=held_at, **values)


def test_it_takes_the_age_on_the_clinic_date_not_the_utc_date(
    patient_a: Patient, site_a: Site
) -> None:
    # 23:30 UTC on 13 June is 00:30 BST on 14 June in London: the birthday has come.
    patient_a.date_of_birth = dt.date(1984, 6, 14)
    held_at = dt.datetime(2027, 6, 13, 23, 30, tzinfo=dt.UTC)
    request = planning_adapter.request_for(
        _consultation(patient_a, site_a, held_at), start_date=None
    )
    assert request["patient"]["age"] == 43
    site_a.time_zone = "America/New_York"  # 19:30 on 13 June there: the day before the birthday
    request = planning_adapter.request_for(
        _consultation(patient_a, site_a, held_at), start_date=None
    )
    assert request["patient"]["age"] == 42


@pytest.mark.parametrize(
    ("sex", "expected"), [("female", "female"), ("male", "male"), ("other", "other"), ("", None)]
)
def test_it_maps_the_patients_sex(
    patient_a: Patient, site_a: Site, sex: str, expected: str | None
) -> None:
    patient_a.sex = sex
    request = planning_adapter.request_for(
        _consultation(patient_a, site_a, dt.datetime(2027, 1, 10, tzinfo=dt.UTC)), start_date=None
    )
    assert request["patient"]["sex"] == expected


def test_it_builds_the_whole_contract_request(patient_a: Patient, site_a: Site) -> None:
    consultation = _consultation(
        patient_a,
        site_a,
        dt.datetime(2027, 1, 10, 10, tzinfo=dt.UTC),
        conditions=["diabetes"],
        medications=["anticoagulant"],
        allergies=["lidocaine"],
        infection_zones=["cheeks"],
        pregnant=False,
        breastfeeding=True,
        childbearing_potential=None,
        weight_kg=None,
        needle_fear="mild",
    )
    assert planning_adapter.request_for(consultation, start_date=dt.date(2027, 1, 11)) == {
        "patient": {
            "age": 42,
            "sex": "female",
            "weight_kg": None,
            "pregnant": False,
            "breastfeeding": True,
            "childbearing_potential": None,
            "conditions": ["diabetes"],
            "active_skin_infection_zones": ["cheeks"],
            "medications": ["anticoagulant"],
            "allergies": ["lidocaine"],
            "needle_fear": "mild",
        },
        "requests": CONCERNS,
        "start_date": "2027-01-11",
    }


def test_it_starts_the_plan_the_day_after_the_consultation_at_the_clinic(
    patient_a: Patient, site_a: Site
) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: the plan starts on 2 July.
    consultation = _consultation(patient_a, site_a, dt.datetime(2027, 6, 30, 23, 30, tzinfo=dt.UTC))
    assert planning_adapter.default_start_date(consultation) == dt.date(2027, 7, 2)


def test_it_names_bad_codes_by_field_with_the_nearest_valid_code(
    patient_a: Patient, site_a: Site
) -> None:
    consultation = _consultation(
        patient_a,
        site_a,
        dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
        conditions=["diabetis"],
        medications=["anticoagulants"],
        allergies=["lidocane"],
        infection_zones=["cheek"],
        concerns=[{"concern": "pigmentaton", "zones": ["forhead"]}],
    )
    assert planning_adapter.validation_errors(consultation) == {
        "conditions": ['conditions[0]: unknown condition "diabetis" (did you mean "diabetes"?)'],
        "medications": [
            'medications[0]: unknown medication "anticoagulants" (did you mean "anticoagulant"?)'
        ],
        "allergies": ['allergies[0]: unknown substance "lidocane" (did you mean "lidocaine"?)'],
        "infection_zones": ['infection_zones[0]: unknown zone "cheek" (did you mean "cheeks"?)'],
        "concerns": [
            'concerns[0].concern: unknown concern "pigmentaton" (did you mean "pigmentation"?)',
            'concerns[0].zones[0]: unknown zone "forhead" (did you mean "forehead"?)',
        ],
    }


def test_it_accepts_a_draft_without_concerns_but_still_checks_its_history(
    patient_a: Patient, site_a: Site
) -> None:
    held_at = dt.datetime(2027, 1, 10, tzinfo=dt.UTC)
    assert (
        planning_adapter.validation_errors(_consultation(patient_a, site_a, held_at, concerns=[]))
        == {}
    )
    errors = planning_adapter.validation_errors(
        _consultation(patient_a, site_a, held_at, concerns=[], conditions=["x"])
    )
    assert list(errors) == ["conditions"]


def test_it_explains_an_impossible_age_on_the_date_field(patient_a: Patient, site_a: Site) -> None:
    errors = planning_adapter.validation_errors(
        _consultation(patient_a, site_a, dt.datetime(1980, 1, 10, tzinfo=dt.UTC))
    )
    assert list(errors) == ["held_at"]
    assert (
        "on 1980-01-10 the patient (born 1984-03-14) would be -5 years old" in errors["held_at"][0]
    )
