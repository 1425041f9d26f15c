"""No photo is added to an archived patient's record; the existing ones stay visible."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.consent.models import PhotoConsent
from mesoclinic.consent.tests.factories import api_client
from mesoclinic.consent.tests.pages import html
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images
from mesoclinic.photos.tests.factories import upload

ClientFor = Callable[[User], Client]


def test_it_refuses_uploads_to_an_archived_patient(
    client_for: ClientFor, practitioner_a: User, patient_a: Patient, photo_consent: PhotoConsent
) -> None:
    photo = upload(practitioner_a, patient_a)
    patient_a.archived_at = timezone.now()
    patient_a.save()
    client = client_for(practitioner_a)
    album = html(client.get(f"/patients/{patient_a.pk}/photos/"))
    assert "This patient is archived" in album
    assert "Upload a photo" not in album
    assert f"/photos/{photo.pk}/thumbnail" in album
    assert 'type="file"' not in html(client.get(f"/patients/{patient_a.pk}/photos/upload/"))
    page = client.post(
        f"/patients/{patient_a.pk}/photos/upload/",
        {
            "angle": "front",
            "taken_on": "2026-01-10",
            "file": SimpleUploadedFile("a.jpg", images.jpeg()),
        },
        follow=True,
    )
    assert "is archived: the record is read-only" in html(page)
    response = api_client(practitioner_a).post(
        "/api/v1/photos",
        {
            "patient_id": patient_a.pk,
            "angle": "front",
            "taken_on": "2026-01-10",
            "file": SimpleUploadedFile("a.jpg", images.jpeg()),
        },
    )
    assert response.status_code == 409
    assert Photo.objects.count() == 1
