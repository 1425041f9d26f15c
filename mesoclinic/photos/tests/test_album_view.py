"""The album: thumbnails by day and angle, each behind the access-checked views."""

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
from mesoclinic.photos.tests.factories import upload

ClientFor = Callable[[User], Client]
JAN, MAR = dt.date(2026, 1, 10), dt.date(2026, 3, 14)

pytestmark = pytest.mark.usefixtures("photo_consent")


def url(patient: Patient) -> str:
    return f"/patients/{patient.pk}/photos/"


@pytest.mark.parametrize("persona", ["practitioner_a", "manager_a"])
def test_it_groups_photos_by_day_then_standard_angle(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    left = upload(practitioner_a, patient_a, angle="left_45", taken_on=JAN)
    front = upload(practitioner_a, patient_a, angle="front", taken_on=JAN)
    later = upload(practitioner_a, patient_a, angle="front", taken_on=MAR)
    response = client_for(request.getfixturevalue(persona)).get(url(patient_a))
    page = html(response)
    assert response.status_code == 200
    # Newest day first; within a day, front before left 45°.
    order = [page.index(f"/photos/{photo.pk}/thumbnail") for photo in (later, front, left)]
    assert order == sorted(order)
    assert "Saturday 14 March 2026" in page
    assert "Saturday 10 January 2026" in page
    assert 'alt="Left 45°, 10 Jan 2026"' in page
    assert f'<a href="/patients/{patient_a.pk}/photos/{front.pk}/file">' in page
    assert "/media/" not in page
    assert_csp_clean(page)
    assert AuditEvent.objects.filter(action=Action.LIST, object_type="photo").count() == 1


def test_it_offers_upload_and_comparison_to_a_practitioner(
    client_for: ClientFor, practitioner_a: User, manager_a: User, patient_a: Patient
) -> None:
    upload(practitioner_a, patient_a, taken_on=JAN)
    upload(practitioner_a, patient_a, taken_on=MAR)
    page = html(client_for(practitioner_a).get(url(patient_a)))
    assert f'href="/patients/{patient_a.pk}/photos/upload/"' in page
    assert f'href="/patients/{patient_a.pk}/photos/compare/"' in page
    assert "Upload a photo" not in html(client_for(manager_a).get(url(patient_a)))


def test_it_reads_the_album_in_a_fixed_number_of_queries(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_for(practitioner_a)
    upload(practitioner_a, patient_a)
    client.get(url(patient_a))
    with django_assert_num_queries(8) as one:  # type: ignore[attr-defined]
        client.get(url(patient_a))
    for day in range(1, 6):
        for angle in ("front", "left_45", "right_90"):
            upload(practitioner_a, patient_a, angle=angle, taken_on=dt.date(2026, 2, day))
    with django_assert_num_queries(len(one.captured_queries)):  # type: ignore[attr-defined]
        client.get(url(patient_a))


def test_it_refuses_a_receptionist(
    client_for: ClientFor, receptionist_a: User, patient_a: Patient
) -> None:
    assert client_for(receptionist_a).get(url(patient_a)).status_code == 403


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
