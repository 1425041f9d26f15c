"""A full or read-only disk: a clear 503 page and log line, no partial record, recovery after."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Site, User
from mesoclinic.consent.tests.factories import give_photo_consent
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images

ClientFor = Callable[[User], Client]


def _new_patient(site: Site) -> dict[str, str]:
    return {
        "site": str(site.pk),
        "given_name": "Carla",
        "family_name": "Cole",
        "date_of_birth": "02/05/1991",
        "sex": "female",
    }


def _disk_full(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """The database's disk refuses the patient's row, as SQLite reports it."""
    if sql.startswith('INSERT INTO "patients_patient"'):
        raise OperationalError("database or disk is full")
    return execute(sql, params, many, context)


def test_a_patient_is_not_half_saved_when_the_database_disk_is_full(
    client_for: ClientFor, receptionist_a: User, site_a: Site, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(receptionist_a)
    with connection.execute_wrapper(_disk_full), caplog.at_level(logging.ERROR):
        response = client.post("/patients/new/", _new_patient(site_a))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "<h1>Nothing was saved</h1>" in page
    assert "storage is full or cannot be written to" in page
    assert not Patient.objects.exists()
    (record,) = [r for r in caplog.records if r.name == "mesoclinic.storage"]
    assert record.getMessage() == "write refused by storage: OperationalError"
    assert record.path == "/patients/new/"  # type: ignore[attr-defined]

    # Space is back: the same request succeeds, with nothing left over from the failed one.
    response = client.post("/patients/new/", _new_patient(site_a))
    assert response.status_code == 302
    assert Patient.objects.get().family_name == "Cole"


@pytest.mark.parametrize(
    ("failing_write", "error"),
    [(1, errno.ENOSPC), (2, errno.ENOSPC), (1, errno.EROFS)],
    ids=["disk full at the photo", "disk full at the thumbnail", "read-only"],
)
def test_a_photo_leaves_no_row_and_no_file_when_the_disk_refuses_it(
    client_for: ClientFor,
    practitioner_a: User,
    patient_a: Patient,
    settings: Settings,
    tmp_path: Path,
    failing_write: int,
    error: int,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    give_photo_consent(practitioner_a, patient_a)
    client = client_for(practitioner_a)
    url = f"/patients/{patient_a.pk}/photos/upload/"
    real_save = FileSystemStorage._save  # type: ignore[attr-defined]
    writes = 0

    def save(storage: FileSystemStorage, name: str, content: Any) -> str:
        nonlocal writes
        writes += 1
        if writes == failing_write:
            raise OSError(error, "refused by the disk")
        saved: str = real_save(storage, name, content)
        return saved

    def upload() -> Any:
        photo = SimpleUploadedFile("front.jpg", images.jpeg(), "image/jpeg")
        return client.post(url, {"angle": "front", "taken_on": "2026-01-10", "file": photo})

    with mock.patch.object(FileSystemStorage, "_save", save):
        response = upload()
    assert response.status_code == 503
    assert "<h1>Nothing was saved</h1>" in response.content.decode()
    assert not Photo.objects.exists()
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert stored == []

    assert upload().status_code == 302
    assert Photo.objects.count() == 1
