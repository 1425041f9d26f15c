"""photo_upload: consent first, then a clean file under a private path, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
import time_machine
from PIL import Image
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.models import PhotoConsent
from mesoclinic.consent.services import photo_consent_withdraw
from mesoclinic.consent.tests.factories import give_photo_consent
from mesoclinic.core.errors import Forbidden, Invalid, NotFound
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.tests import images
from mesoclinic.photos.tests.factories import upload

TODAY = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.usefixtures("photo_consent")
def test_it_stores_a_clean_jpeg_under_a_private_path(
    practitioner_a: User, patient_a: Patient, media_root: Path
) -> None:
    photo = upload(practitioner_a, patient_a, data=images.jpeg_with_gps(), filename="IMG_0001.JPG")
    assert photo.file.name.startswith(f"photos/{patient_a.pk}/")
    assert photo.file.name.endswith(".jpg")
    assert "IMG_0001" not in photo.file.name
    stored = (media_root / photo.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == photo.sha256
    assert (photo.size_bytes, photo.width, photo.height) == (len(stored), 400, 200)
    assert photo.content_type == "image/jpeg"
    assert b"GPS" not in stored
    assert b"PhoneMaker" not in stored
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    event = AuditEvent.objects.get(action=Action.UPLOAD)
    assert (event.object_id, event.patient_id, event.actor) == (
        str(photo.pk),
        patient_a.pk,
        practitioner_a,
    )
    assert event.detail["sha256"] == photo.sha256


def test_it_refuses_without_photo_consent_and_stores_nothing(
    practitioner_a: User, patient_a: Patient, media_root: Path
) -> None:
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a)
    assert refused.value.errors["consent"][0].startswith(
        "Photo consent: this patient has no current"
    )
    assert files(media_root) == []
    assert not Photo.objects.exists()


def test_it_refuses_when_consent_excludes_the_clinical_record(
    practitioner_a: User, patient_a: Patient
) -> None:
    give_photo_consent(practitioner_a, patient_a, clinical_record=False, teaching=True)
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a)
    assert "consent" in refused.value.errors


def test_it_refuses_after_consent_is_withdrawn(
    practitioner_a: User, patient_a: Patient, photo_consent: PhotoConsent
) -> None:
    upload(practitioner_a, patient_a)
    with acting_as(practitioner_a):
        photo_consent_withdraw(actor=practitioner_a, photo_consent_id=photo_consent.pk)
    with pytest.raises(Invalid):
        upload(practitioner_a, patient_a)
    assert Photo.objects.count() == 1  # photos taken before stay in the record


@time_machine.travel(TODAY, tick=False)
@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_bad_fields_naming_each(practitioner_a: User, patient_a: Patient) -> None:
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a, angle="top_down", taken_on=dt.date(2026, 6, 2))
    assert refused.value.errors["angle"] == [
        "Angle 'top_down' is not one of: front, left_45, right_45, left_90, right_90, scalp_top."
    ]
    assert refused.value.errors["taken_on"] == [
        "Date taken: 02 Jun 2026 is in the future (today is 01 Jun 2026)."
    ]
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a, taken_on=dt.date(1980, 1, 1))
    assert refused.value.errors["taken_on"][0].endswith(
        "is before the patient was born (14 Mar 1984)."
    )


@pytest.mark.usefixtures("photo_consent")
@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.jpg", "Photo: 'empty.jpg' is empty (0 bytes)"),
        (b"hello, I am text", "notes.jpg", "Photo: 'notes.jpg' is not a JPEG or PNG image"),
        (images.gif(), "clip.gif", "Photo: 'clip.gif' is not a JPEG or PNG image"),
        (images.png_header_only(60_000, 60_000), "bomb.png", "Photo: 'bomb.png' has more pixels"),
    ],
)
def test_it_refuses_the_corpus_and_stores_nothing(
    practitioner_a: User,
    patient_a: Patient,
    media_root: Path,
    data: bytes,
    filename: str,
    message: str,
) -> None:
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a, data=data, filename=filename)
    assert refused.value.errors["file"][0].startswith(message)
    assert files(media_root) == []


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_an_oversized_file(
    practitioner_a: User, patient_a: Patient, settings: Settings
) -> None:
    settings.PHOTO_MAX_BYTES = 2048
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a, data=images.jpeg(), filename="large.jpg")
    assert refused.value.errors["file"] == [
        "Photo: 'large.jpg' is larger than the limit of 0.00195312 MB: "
        "export it at a lower resolution or quality."
    ]


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_more_pixels_than_the_setting(
    practitioner_a: User, patient_a: Patient, settings: Settings
) -> None:
    settings.PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(Invalid) as refused:
        upload(practitioner_a, patient_a, data=images.jpeg(200, 100), filename="wide.jpg")
    assert (
        "'wide.jpg' is 200 x 100 pixels (20,000); at most 10,000" in refused.value.errors["file"][0]
    )


@pytest.mark.usefixtures("photo_consent")
def test_it_refuses_other_sites_and_roles_and_audits_it(
    practitioner_b: User, receptionist_a: User, patient_a: Patient, media_root: Path
) -> None:
    with pytest.raises(NotFound):
        upload(practitioner_b, patient_a)
    with pytest.raises(Forbidden):
        upload(receptionist_a, patient_a)
    assert files(media_root) == []
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, object_type="photo").count() == 2
