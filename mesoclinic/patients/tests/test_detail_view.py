"""The patient page, patients:detail: demographics, the clinical record's links, archives."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.tests.factories import publish, sign
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.helpers import XSS_CORPUS, assert_inert, make_patient

ClientFor = Callable[[User], Client]


def _url(patient: Patient) -> str:
    return reverse("patients:detail", args=[patient.pk])


def test_it_shows_demographics_and_the_clinical_record_links(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).get(_url(patient_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Alice Anderson</h1>" in page
    assert "14/03/1984 (age" in page
    assert "alice@example.org" in page
    base = _url(patient_a)
    for area in ("consultations/", "consent/", "photos/"):
        assert f'href="{base}{area}"' in page
    assert f'href="{reverse("patients:edit", args=[patient_a.pk])}"' in page
    assert "no-store" in response["Cache-Control"]


def test_it_audits_each_view(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    client_for(practitioner_a).get(_url(patient_a))
    viewed, summarised = AuditEvent.objects.order_by("id")
    assert (viewed.action, viewed.object_type, viewed.patient_id, viewed.site_id) == (
        Action.VIEW,
        "patient",
        patient_a.pk,
        patient_a.site_id,
    )
    assert (summarised.action, summarised.object_type, summarised.detail) == (
        Action.LIST,
        "patient_record_summary",
        {"consultations": 0, "plans": 0, "consent_records": 0, "photos": 0},
    )


@time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC), tick=False)
def test_it_summarises_the_clinical_record_with_the_latest_dates(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    first = make_consultation(
        patient_a, practitioner_a, held_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
    )
    make_consultation(
        patient_a, practitioner_a, held_at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    )
    make_plan(first, practitioner_a)
    sign(practitioner_a, patient_a, publish(practitioner_a), drawn=False)
    client = client_for(practitioner_a)
    response = client.get(_url(patient_a))
    rows = re.findall(
        r'<th scope="row"><a href="[^"]*">([^<]+)</a></th>\s*<td data-label="Number">(\d+)</td>'
        r'\s*<td data-label="Latest">([^<]+)</td>',
        response.content.decode(),
    )
    assert rows == [
        # 23:30 UTC on 30 November is 23:30 in London (GMT): the clinic's day.
        ("Consultations", "2", "30 November 2026"),
        ("Treatment plans", "1", "2 December 2026"),
        ("Signed consent", "1", "2 December 2026"),
        ("Photos", "0", "none yet"),
    ]


def test_the_summary_costs_one_query_per_kind(
    client_for: ClientFor,
    practitioner_a: User,
    receptionist_a: User,
    patient_a: Patient,
) -> None:
    practitioner, receptionist = client_for(practitioner_a), client_for(receptionist_a)
    receptionist.get(_url(patient_a))
    practitioner.get(_url(patient_a))
    with CaptureQueriesContext(connection) as seen_receptionist:
        receptionist.get(_url(patient_a))
    with CaptureQueriesContext(connection) as seen_practitioner:
        practitioner.get(_url(patient_a))
    # Four aggregates and one audit INSERT more than a role that sees demographics only, less
    # the receptionist's header count of new enquiries (practitioners do not handle them).
    assert len(seen_practitioner.captured_queries) - len(seen_receptionist.captured_queries) == 4


def test_receptionists_see_demographics_only(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    page = client_for(receptionist_a).get(_url(patient_a)).content.decode()
    assert "alice@example.org" in page
    assert "Clinical record" not in page
    assert "consultations/" not in page


def test_managers_see_the_record_links(
    client_for: ClientFor, manager_a: User, patient_a: Patient
) -> None:
    page = client_for(manager_a).get(_url(patient_a)).content.decode()
    assert "Clinical record" in page
    assert "photos/" in page


def test_another_sites_patient_is_not_found_and_the_attempt_audited(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_b).get(_url(patient_a))
    assert response.status_code == 404
    assert "Anderson" not in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.outcome, event.actor, event.patient_id) == (
        Outcome.DENIED,
        practitioner_b,
        patient_a.pk,
    )


def test_an_unknown_patient_is_not_found(client_for: ClientFor, practitioner_a: User) -> None:
    assert client_for(practitioner_a).get("/patients/999999/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, patient_a: Patient) -> None:
    response = client.get(_url(patient_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.exists()


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).post(_url(patient_a)).status_code == 405


@pytest.mark.parametrize(("persona", "restore"), [("manager_a", True), ("practitioner_a", False)])
def test_an_archived_patient_is_shown_read_only_with_a_banner(
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    patient_a: Patient,
    persona: str,
    restore: bool,
) -> None:
    patient_a.archived_at = timezone.now()
    patient_a.save()
    page = client_for(request.getfixturevalue(persona)).get(_url(patient_a)).content.decode()
    assert "<strong>Archived</strong> on" in page
    assert reverse("patients:edit", args=[patient_a.pk]) not in page
    assert (reverse("patients:unarchive", args=[patient_a.pk]) in page) is restore


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_it_shows_every_stored_text_field_as_text(
    client_for: ClientFor, practitioner_a: User, site_a: Site, payload: str
) -> None:
    patient = make_patient(
        site_a,
        given_name=payload,
        family_name=payload,
        phone=payload,
        email=payload,
        address=payload,
    )
    page = client_for(practitioner_a).get(_url(patient)).content.decode()
    assert_inert(page, payload)


def test_an_id_longer_than_any_record_number_is_not_found_and_still_audited(
    client_for: ClientFor, practitioner_a: User
) -> None:
    typed = "9" * 45
    assert client_for(practitioner_a).get(f"/patients/{typed}/").status_code == 404
    refused = AuditEvent.objects.get()
    assert (refused.outcome, refused.object_id) == (Outcome.DENIED, "9" * 40)
