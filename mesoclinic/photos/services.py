"""Writes for photos: upload one, re-encoded, while the patient's photo consent allows it."""

from __future__ import annotations

import datetime as dt
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.consent.selectors import photo_consent_current
from mesoclinic.core.errors import Invalid, invalid_from
from mesoclinic.core.time import today_in
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.photos.imaging import CleanImage, ImageRejected, clean_image, read_limited
from mesoclinic.photos.models import Angle, Photo

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient

NO_CONSENT = (
    "Photo consent: this patient has no current consent to photos in their clinical record; "
    "record their photo consent first."
)


def photo_upload(
    *,
    actor: User,
    patient_id: int,
    angle: str,
    taken_on: dt.date | None,
    upload: IO[bytes] | None,
    filename: str,
) -> Photo:
    """Store one photo of the patient, re-encoded (``photos.imaging``), and audit UPLOAD.

    An archived patient's record is read-only (``PatientArchived``, audited).
    Refuses (``Invalid``, one entry per bad field): an unknown angle; a missing date, or one in
    the future (in the clinic's zone) or before the patient's birth; no current photo consent
    covering the clinical record (field ``consent``: the file is then not even decoded); and
    any file ``photos.imaging`` refuses. The access check comes first and is committed even
    when the upload is refused; the decoding runs outside the transaction, so no lock is held
    while a large image is processed, and the consent is checked again, locked, inside it.
    """
    patient = patient_get_for_write(
        actor,
        patient_id,
        capability=Capability.UPLOAD_PHOTOS,
        object_type="photo",
        action=Action.UPLOAD,
    )
    errors = _field_errors(patient, angle=angle, taken_on=taken_on)
    consent = photo_consent_current(patient)
    clean: CleanImage | None = None
    if consent is None or not consent.clinical_record:
        errors["consent"] = [NO_CONSENT]
    elif upload is None:
        errors["file"] = ["Photo: no file was chosen."]
    else:
        name = filename or "the file"
        try:
            data = read_limited(upload, name=name, max_bytes=settings.PHOTO_MAX_BYTES)
            clean = clean_image(data, name=name, max_pixels=settings.PHOTO_MAX_PIXELS)
        except ImageRejected as rejected:
            errors["file"] = [f"Photo: {rejected.message}"]
    if errors or clean is None or taken_on is None:
        raise Invalid(errors)

    photo = Photo(
        patient=patient,
        angle=angle,
        taken_on=taken_on,
        width=clean.width,
        height=clean.height,
        content_type="image/jpeg",
        size_bytes=len(clean.jpeg),
        sha256=clean.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    try:
        # FieldFile.save writes through the default storage under the model's upload_to paths.
        # Inside the try: when the disk refuses the thumbnail, the photo already written goes.
        photo.file.save("photo.jpg", ContentFile(clean.jpeg), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(clean.thumbnail), save=False)
        with transaction.atomic():
            again = photo_consent_current(patient, lock=True)
            if again is None or not again.clinical_record:
                raise Invalid({"consent": [NO_CONSENT]})
            photo.full_clean()
            photo.save()
            audit_record(
                action=Action.UPLOAD,
                object_type="photo",
                object_id=photo.pk,
                patient_id=patient.pk,
                site_id=patient.site_id,
                detail={
                    "angle": angle,
                    "taken_on": taken_on.isoformat(),
                    "width": clean.width,
                    "height": clean.height,
                    "size_bytes": len(clean.jpeg),
                    "sha256": clean.sha256,
                    "source_format": clean.source_format,
                    "consent_id": again.pk,
                },
            )
    except BaseException as error:
        # No row refers to the files: remove them, so nothing is left in storage.
        for stored in (photo.file, photo.thumbnail):
            if stored:
                stored.storage.delete(stored.name)
        if isinstance(error, ValidationError):
            raise invalid_from(error) from None
        raise
    return photo


def _field_errors(
    patient: Patient, *, angle: str, taken_on: dt.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if angle not in Angle.values:
        errors["angle"] = [f"Angle {angle!r} is not one of: {', '.join(Angle.values)}."]
    if taken_on is None:
        errors["taken_on"] = ["Date taken: no date given; enter the day the photo was taken."]
    else:
        today = today_in(patient.site.zone)
        if taken_on > today:
            errors["taken_on"] = [
                f"Date taken: {taken_on:%d %b %Y} is in the future (today is {today:%d %b %Y})."
            ]
        elif taken_on < patient.date_of_birth:
            errors["taken_on"] = [
                f"Date taken: {taken_on:%d %b %Y} is before the patient was born "
                f"({patient.date_of_birth:%d %b %Y})."
            ]
    return errors
