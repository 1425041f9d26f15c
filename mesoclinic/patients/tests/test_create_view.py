"""Registering a patient, patients:create: rules, errors that name values, duplicates."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import XSS_CORPUS, assert_inert

URL = reverse("patients:create")
ClientFor = Callable[[User], Client]
TODAY = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _form(site: Site, /, **overrides: str) -> dict[str, str]:
    data = {
        "site": str(site.pk),
        "given_name": "Carla",
        "family_name": "Cole",
        "date_of_birth": "02/05/1991",
        "sex": "female",
        "phone": "07700 900456",
        "email": "carla@example.org",
        "address": "2 Low Road\nLeeds",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_only_the_users_sites(
    client_for: ClientFor, receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    response = client_for(receptionist_a).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{site_a.pk}" selected>Harley Street Clinic</option>' in page
    assert "Leeds Clinic" not in page
    assert '<label for="id_date_of_birth">Date of birth</label>' in page


def test_it_registers_a_patient(client_for: ClientFor, receptionist_a: User, site_a: Site) -> None:
    response = client_for(receptionist_a).post(URL, _form(site_a))
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert (patient.given_name, patient.date_of_birth, patient.site) == (
        "Carla",
        dt.date(1991, 5, 2),
        site_a,
    )
    assert patient.address == "2 Low Road\nLeeds"
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert (event.actor, event.patient_id) == (receptionist_a, patient.pk)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("given_name", "", "Given name: enter a value; it was left empty."),
        (
            "family_name",
            "x" * 101,
            f"Family name: “{'x' * 40}…” is 101 characters long; at most 100.",
        ),
        (
            "date_of_birth",
            "31/02/1991",
            "Date of birth: “31/02/1991” is not a date; use dd/mm/yyyy, e.g. 14/03/1984.",
        ),
        (
            "date_of_birth",
            "01/01/2030",
            "Date of birth: 01/01/2030 is in the future (today is 25/11/2026).",
        ),
        (
            "date_of_birth",
            "31/12/1899",
            "Date of birth: 31/12/1899 is before 01/01/1900; check the year.",
        ),
        (
            "email",
            "carla@",
            "Email: “carla@” is not an email address; use the form name@example.org.",
        ),
        ("phone", "call me", "Phone: “call me” is not a phone number; use 6 to 15 digits"),
        ("sex", "robot", "Sex: “robot” is not one of the choices (“female”, “male”, “other”)."),
        (
            "given_name",
            "Ann\x00a",
            "Given name: “Ann\\u0000a” contains control characters, which cannot be stored.",
        ),
        (
            "given_name",
            "A" * 10_000,
            f"Given name: “{'A' * 40}…” is 10000 characters long; at most 100.",
        ),
        ("site", "abc", "Site: “abc” is not one of the choices"),
        ("site", "²", "Site: “²” is not one of the choices"),
    ],
)
def test_it_names_the_field_and_the_bad_value_and_keeps_what_was_typed(
    client_for: ClientFor,
    receptionist_a: User,
    site_a: Site,
    field: str,
    typed: str,
    message: str,
) -> None:
    data = _form(site_a, **{field: typed})
    response = client_for(receptionist_a).post(URL, data)
    assert response.status_code == 200
    assert not Patient.objects.exists()
    page = response.content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert f'<a href="#id_{field}">{html.escape(message)}' in summary
    assert 'aria-invalid="true"' in page
    for name, value in data.items():
        if name in {field, "site", "sex"}:
            continue
        shown = html.escape(value)
        assert f'value="{shown}"' in page or f"{shown}</textarea>" in page, name


def test_it_warns_of_a_possible_duplicate_before_registering(
    client_for: ClientFor, receptionist_a: User, site_a: Site, patient_a: Patient
) -> None:
    client = client_for(receptionist_a)
    data = _form(site_a, given_name="alice", family_name="ANDERSON", date_of_birth="14/03/1984")
    warned = client.post(URL, data)
    assert warned.status_code == 200
    page = warned.content.decode()
    assert "This patient may already be registered" in page
    assert f'href="{reverse("patients:detail", args=[patient_a.pk])}"' in page
    assert 'name="confirm_duplicate"' in page
    assert 'value="ANDERSON"' in page
    assert Patient.objects.count() == 1

    registered = client.post(URL, {**data, "confirm_duplicate": "on"})
    assert registered.status_code == 302
    assert Patient.objects.count() == 2
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert event.detail == {"duplicate_confirmed": [patient_a.pk]}


def test_it_refuses_and_audits_a_tampered_site(
    client_for: ClientFor, receptionist_a: User, site_a: Site, site_b: Site
) -> None:
    response = client_for(receptionist_a).post(URL, _form(site_b))
    assert response.status_code == 200
    assert f"Site: {site_b.pk} is not one of your sites." in response.content.decode()
    assert not Patient.objects.exists()
    assert AuditEvent.objects.get().outcome == Outcome.DENIED


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, site_a: Site) -> None:
    for response in (client.get(URL), client.post(URL, _form(site_a))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Patient.objects.exists()


def test_it_refuses_other_methods(client_for: ClientFor, receptionist_a: User) -> None:
    assert client_for(receptionist_a).put(URL).status_code == 405


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_stores_markup_as_typed_and_shows_it_as_text(
    client_for: ClientFor, practitioner_a: User, site_a: Site, payload: str
) -> None:
    client = client_for(practitioner_a)
    data = _form(site_a, given_name=payload, family_name=payload, address=payload)
    response = client.post(URL, data)
    patient = Patient.objects.get()
    assert (patient.given_name, patient.address) == (payload, payload)
    detail = client.get(response["Location"])
    assert_inert(detail.content.decode(), payload)


def test_the_form_re_shown_with_markup_keeps_it_inert(
    client_for: ClientFor, practitioner_a: User, site_a: Site
) -> None:
    payload = XSS_CORPUS[1]
    response = client_for(practitioner_a).post(
        URL, _form(site_a, given_name=payload, email=payload)
    )
    page: Any = response.content.decode()
    assert_inert(page, payload)
