"""Photos made through the real upload service."""

from __future__ import annotations

import datetime as dt
import io

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.photos.services import photo_upload
from mesoclinic.photos.tests.images import jpeg


def upload(
    actor: User,
    patient: Patient,
    *,
    angle: str = "front",
    taken_on: dt.date = dt.date(2026, 1, 10),
    data: bytes | None = None,
    filename: str = "front.jpg",
) -> Photo:
    with acting_as(actor):
        return photo_upload(
            actor=actor,
            patient_id=patient.pk,
            angle=angle,
            taken_on=taken_on,
            upload=io.BytesIO(jpeg() if data is None else data),
            filename=filename,
        )
