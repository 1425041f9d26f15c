"""/api/v1/photos: list, metadata, multipart upload and the file, with the pages' rules."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import verified_client
from mesoclinic.consent.tests.factories import api_client
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images
from mesoclinic.photos.tests.factories import upload

API = "/api/v1/photos"


def multipart(patient: Patient, data: bytes | None = None, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "patient_id": patient.pk,
        "angle": "right_45",
        "taken_on": "2026-02-01",
        "file": SimpleUploadedFile("camera.jpg", images.jpeg_with_gps() if data is None else data),
    }
    values.update(fields)
    return values


@pytest.mark.usefixtures("photo_consent")
def test_it_uploads_lists_gets_and_downloads(practitioner_a: User, patient_a: Patient) -> None:
    client = api_client(practitioner_a)
    response = client.post(API, multipart(patient_a))
    assert response.status_code == 201
    created = response.json()
    photo = Photo.objects.get()
    assert created["id"] == photo.pk
    assert (created["angle"], created["taken_on"], created["content_type"]) == (
        "right_45",
        "2026-02-01",
        "image/jpeg",
    )
    assert created["file_url"] == f"{API}/{photo.pk}/file"
    assert created["uploaded_by"] == practitioner_a.username
    assert client.get(f"{API}?patient_id={patient_a.pk}").json() == [created]
    assert client.get(f"{API}/{photo.pk}").json() == created
    download = client.get(created["file_url"])
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert b"GPS" not in content
    assert dict(Image.open(io.BytesIO(content)).getexif()) == {}
    actions = sorted(
        AuditEvent.objects.filter(patient=patient_a, object_type="photo").values_list(
            "action", flat=True
        )
    )
    assert actions == sorted([Action.UPLOAD, Action.LIST, Action.VIEW, Action.DOWNLOAD])
    assert AuditEvent.objects.get(action=Action.UPLOAD).actor == practitioner_a


@pytest.mark.usefixtures("photo_consent")
@pytest.mark.parametrize(
    ("data", "fields", "field", "start"),
    [
        (b"", {}, "file", "Photo: 'camera.jpg' is empty"),
        (images.truncated_jpeg(), {}, "file", "Photo: 'camera.jpg' could not be read"),
        (images.gif(), {}, "file", "Photo: 'camera.jpg' is not a JPEG or PNG image"),
        (None, {"angle": "back"}, "angle", "Angle 'back' is not one of"),
        (None, {"taken_on": "yesterday"}, "taken_on", "Date taken: 'yesterday' is not a date"),
    ],
    ids=["empty", "truncated", "gif", "angle", "date"],
)
def test_it_refuses_bad_uploads_naming_the_field(
    practitioner_a: User,
    patient_a: Patient,
    data: bytes | None,
    fields: dict[str, str],
    field: str,
    start: str,
) -> None:
    response = api_client(practitioner_a).post(API, multipart(patient_a, data, **fields))
    assert response.status_code == 422
    assert response.json()["fields"][field][0].startswith(start)
    assert not Photo.objects.exists()


def test_it_refuses_an_upload_without_photo_consent(
    practitioner_a: User, patient_a: Patient
) -> None:
    response = api_client(practitioner_a).post(API, multipart(patient_a))
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"consent"}


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_a_receptionist_everything(
    receptionist_a: User, practitioner_a: User, patient_a: Patient
) -> None:
    photo = upload(practitioner_a, patient_a)
    client = api_client(receptionist_a)
    assert client.get(f"{API}?patient_id={patient_a.pk}").status_code == 403
    assert client.get(f"{API}/{photo.pk}").status_code == 403
    assert client.get(f"{API}/{photo.pk}/file").status_code == 403
    assert client.post(API, multipart(patient_a)).status_code == 403
    assert Photo.objects.count() == 1


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_a_manager_uploading(
    manager_a: User, practitioner_a: User, patient_a: Patient
) -> None:
    photo = upload(practitioner_a, patient_a)
    client = api_client(manager_a)
    assert client.get(f"{API}/{photo.pk}/file").status_code == 200
    assert client.post(API, multipart(patient_a)).status_code == 403


@pytest.mark.usefixtures("photo_consent")
def test_it_hides_other_sites_photos(
    practitioner_b: User, practitioner_a: User, patient_a: Patient
) -> None:
    photo = upload(practitioner_a, patient_a)
    client = api_client(practitioner_b)
    assert client.get(f"{API}?patient_id={patient_a.pk}").status_code == 404
    assert client.get(f"{API}/{photo.pk}").status_code == 404
    assert client.get(f"{API}/{photo.pk}/file").status_code == 404
    assert client.post(API, multipart(patient_a)).status_code == 404
    assert client.get(f"{API}/999999").status_code == 404
    assert Photo.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"), [("get", "?patient_id=1"), ("post", ""), ("get", "/1"), ("get", "/1/file")]
)
def test_it_refuses_anonymous_callers(method: str, path: str) -> None:
    assert getattr(Client(), method)(f"{API}{path}").status_code == 401


@pytest.mark.parametrize(
    ("method", "path"), [("delete", ""), ("put", "/1"), ("delete", "/1"), ("post", "/1/file")]
)
def test_it_refuses_other_methods(practitioner_a: User, method: str, path: str) -> None:
    assert getattr(api_client(practitioner_a), method)(f"{API}{path}").status_code == 405


@pytest.mark.usefixtures("photo_consent")
def test_it_lists_in_a_fixed_number_of_queries(
    practitioner_a: User, patient_a: Patient, django_assert_num_queries: Any
) -> None:
    client = api_client(practitioner_a)
    upload(practitioner_a, patient_a)
    client.get(f"{API}?patient_id={patient_a.pk}")  # the token's first use records it
    with django_assert_num_queries(20, exact=False) as counted:
        client.get(f"{API}?patient_id={patient_a.pk}")
    for angle in ("left_45", "right_45", "scalp_top"):
        upload(practitioner_a, patient_a, angle=angle)
    with django_assert_num_queries(len(counted.captured_queries)):
        assert len(client.get(f"{API}?patient_id={patient_a.pk}").json()) == 4


def test_it_documents_the_endpoints_in_openapi(practitioner_a: User) -> None:
    paths = verified_client(practitioner_a).get("/api/v1/openapi.json").json()["paths"]
    assert "image/jpeg" in paths[f"{API}/{{photo_id}}/file"]["get"]["responses"]["200"]["content"]
    assert "multipart/form-data" in paths[API]["post"]["requestBody"]["content"]
    signature = paths["/api/v1/consent/records/{record_id}/signature"]["get"]
    assert "image/png" in signature["responses"]["200"]["content"]
    for path, operations in paths.items():
        if path.startswith(("/api/v1/photos", "/api/v1/consent")):
            for operation in operations.values():
                assert operation["security"] == [{"TokenAuth": []}], path
