"""Side-by-side comparison: one angle, two days, earliest and latest by default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    html,
)
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests.factories import upload

ClientFor = Callable[[User], Client]
DAYS = [dt.date(2026, 1, 10), dt.date(2026, 2, 7), dt.date(2026, 3, 14)]

pytestmark = pytest.mark.usefixtures("photo_consent")


@pytest.fixture
def fronts(practitioner_a: User, patient_a: Patient, photo_consent: object) -> list[Photo]:
    return [upload(practitioner_a, patient_a, angle="front", taken_on=day) for day in DAYS]


def url(patient: Patient, query: str = "") -> str:
    return f"/patients/{patient.pk}/photos/compare/{query}"


def shown(page: str, patient: Patient) -> list[str]:
    """The file URLs of the photos side by side, left to right."""
    marker = f'<img src="/patients/{patient.pk}/photos/'
    compare = page[page.index('<div class="compare">') :]
    return [chunk.split('"')[0] for chunk in compare.split(marker)[1:]]


def test_it_compares_the_earliest_and_latest_by_default(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, fronts: list[Photo]
) -> None:
    upload(practitioner_a, patient_a, angle="left_45", taken_on=DAYS[1])
    response = client_for(practitioner_a).get(url(patient_a))
    page = html(response)
    assert response.status_code == 200
    assert shown(page, patient_a) == [f"{fronts[0].pk}/file", f"{fronts[2].pk}/file"]
    assert "<strong>Before</strong>: Front, 10 Jan 2026" in page
    assert "<strong>After</strong>: Front, 14 Mar 2026" in page
    assert 'alt="Front, 10 Jan 2026 (before)"' in page
    assert '<option value="left_45">Left 45°</option>' in page
    assert_csp_clean(page)
    event = AuditEvent.objects.get(object_type="photo_comparison")
    assert (event.action, event.detail["photos"]) == (Action.VIEW, [fronts[0].pk, fronts[2].pk])


def test_it_compares_the_chosen_days(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, fronts: list[Photo]
) -> None:
    page = html(
        client_for(practitioner_a).get(
            url(patient_a, "?angle=front&before=2026-02-07&after=2026-03-14")
        )
    )
    assert shown(page, patient_a) == [f"{fronts[1].pk}/file", f"{fronts[2].pk}/file"]
    assert '<option value="2026-02-07" selected>' in page


def test_it_shows_the_last_upload_of_a_day(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, fronts: list[Photo]
) -> None:
    retake = upload(practitioner_a, patient_a, angle="front", taken_on=DAYS[2])
    page = html(client_for(practitioner_a).get(url(patient_a)))
    assert shown(page, patient_a)[1] == f"{retake.pk}/file"


def test_it_switches_angle_with_that_angles_defaults(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, fronts: list[Photo]
) -> None:
    left = upload(practitioner_a, patient_a, angle="left_45", taken_on=DAYS[1])
    page = html(client_for(practitioner_a).get(url(patient_a, "?angle=left_45")))
    assert shown(page, patient_a) == [f"{left.pk}/file", f"{left.pk}/file"]


def test_it_names_a_day_without_a_photo_and_a_bad_angle(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, fronts: list[Photo]
) -> None:
    page = html(
        client_for(practitioner_a).get(url(patient_a, "?angle=<b>&before=2026-01-11&after=someday"))
    )
    assert "Angle &#x27;&lt;b&gt;&#x27; is not one of the standard angles." in page
    assert "After: &#x27;someday&#x27; is not a date; use the form YYYY-MM-DD." in page
    page = html(client_for(practitioner_a).get(url(patient_a, "?angle=front&before=2026-01-11")))
    assert (
        "Before: there is no front photo taken on 11 Jan 2026; showing the earliest instead."
        in page
    )
    assert shown(page, patient_a) == [f"{fronts[0].pk}/file", f"{fronts[2].pk}/file"]


def test_it_says_when_there_is_nothing_to_compare(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert "No photos to compare yet." in html(client_for(practitioner_a).get(url(patient_a)))


@pytest.mark.usefixtures("fronts")
def test_it_refuses_a_receptionist(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    assert client_for(receptionist_a).get(url(patient_a)).status_code == 403


@pytest.mark.usefixtures("fronts")
def test_it_hides_other_sites_patients(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_b).get(url(patient_a)).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(patient_a: Patient) -> None:
    assert_anonymous_redirected(url(patient_a))


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).post(url(patient_a)).status_code == 405
