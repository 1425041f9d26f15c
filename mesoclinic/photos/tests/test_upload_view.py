"""The upload page: angle, date and file; refusals shown with what was chosen kept."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consent.tests.factories import XSS_CORPUS
from mesoclinic.consent.tests.pages import (
    assert_anonymous_redirected,
    assert_csp_clean,
    html,
)
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images

ClientFor = Callable[[User], Client]
# 23:30 UTC on 30 June is already 1 July in London (BST): "today" is the clinic's day.
LATE_EVENING = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)


def url(patient: Patient) -> str:
    return f"/patients/{patient.pk}/photos/upload/"


def form(data: bytes | None = None, name: str = "front.jpg", **fields: str) -> dict[str, object]:
    values: dict[str, object] = {"angle": "front", "taken_on": "2026-01-10"}
    values["file"] = SimpleUploadedFile(name, images.jpeg() if data is None else data, "image/jpeg")
    values.update(fields)
    return values


@time_machine.travel(LATE_EVENING, tick=False)
def test_it_offers_the_standard_angles_and_todays_date_in_the_clinic_zone(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).get(url(patient_a))
    page = html(response)
    assert response.status_code == 200
    for label in ("Front", "Left 45°", "Right 45°", "Left profile (90°)", "Scalp from above"):
        assert label in page
    assert 'value="2026-07-01"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "No current photo consent for the clinical record" in page
    assert_csp_clean(page)
    assert AuditEvent.objects.get(object_type="photo_upload").action == Action.VIEW


@pytest.mark.usefixtures("photo_consent")
def test_it_uploads_a_photo(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).post(url(patient_a), form(images.jpeg_with_gps()))
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient_a.pk}/photos/"
    photo = Photo.objects.get()
    assert (photo.angle, photo.taken_on, photo.uploaded_by) == (
        "front",
        dt.date(2026, 1, 10),
        practitioner_a,
    )


def test_it_explains_that_consent_is_missing(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).post(url(patient_a), form(angle="left_45"))
    page = html(response)
    assert response.status_code == 200
    assert '<a href="#consent-status">Photo consent: this patient has no current consent' in page
    assert f'href="/patients/{patient_a.pk}/consent/photo/"' in page
    assert not Photo.objects.exists()


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_a_disguised_file_naming_it_and_keeping_the_choices(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    response = client_for(practitioner_a).post(
        url(patient_a), form(b"plain text", "holiday.jpg", angle="right_90", taken_on="2026-02-03")
    )
    page = html(response)
    assert '<a href="#id_file">Photo: &#x27;holiday.jpg&#x27; is not a JPEG or PNG image' in page
    assert re.search(r'<input[^>]*value="right_90"[^>]*checked', page)
    assert 'value="2026-02-03"' in page
    assert "choose it again" in page
    assert not Photo.objects.exists()


@pytest.mark.usefixtures("photo_consent")
def test_it_names_a_bad_date_and_a_missing_angle(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    values = form(taken_on="10/01/2026")
    del values["angle"]
    page = html(client_for(practitioner_a).post(url(patient_a), values))
    assert '<a href="#id_angle_0">Angle is not chosen: choose one.</a>' in page
    assert "Date taken: &#x27;10/01/2026&#x27; is not a date; use the form YYYY-MM-DD." in page
    assert 'value="10/01/2026"' in page


@pytest.mark.usefixtures("photo_consent")
def test_it_escapes_a_hostile_file_name(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    # Django keeps only what follows the last "/" of an uploaded file's name.
    name = "".join(XSS_CORPUS[1:]) + ".jpg"
    page = html(client_for(practitioner_a).post(url(patient_a), form(b"text", name)))
    assert XSS_CORPUS[1] not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;javascript:alert(1){{7*7}}.jpg" in page


@pytest.mark.parametrize("persona", ["receptionist_a", "manager_a"])
def test_it_refuses_roles_without_upload_photos(
    client_for: ClientFor, patient_a: Patient, persona: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("photo_consent")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(patient_a)).status_code == 403
    assert client.post(url(patient_a), form()).status_code == 403
    assert not Photo.objects.exists()


@pytest.mark.usefixtures("photo_consent")
def test_it_hides_other_sites_patients(
    client_for: ClientFor, practitioner_b: User, patient_a: Patient
) -> None:
    client = client_for(practitioner_b)
    assert client.get(url(patient_a)).status_code == 404
    assert client.post(url(patient_a), form()).status_code == 404
    assert not Photo.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in(patient_a: Patient) -> None:
    assert_anonymous_redirected(url(patient_a))
    assert_anonymous_redirected(url(patient_a), method="post")


def test_it_refuses_other_methods(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient
) -> None:
    assert client_for(practitioner_a).put(url(patient_a)).status_code == 405
