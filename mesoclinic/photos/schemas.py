"""API output shapes for ``/api/v1/photos`` (uploads are multipart form fields)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from mesoclinic.photos.models import Photo


class PhotoOut(Schema):
    id: int
    patient_id: int
    angle: str
    taken_on: dt.date
    width: int
    height: int
    content_type: str
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the stored (re-encoded) JPEG, hex.")
    uploaded_by: str
    uploaded_at: dt.datetime
    file_url: str = Field(description="The JPEG, after the same access check (audited).")

    @staticmethod
    def of(photo: Photo, file_url: str) -> PhotoOut:
        return PhotoOut(
            id=photo.pk,
            patient_id=photo.patient_id,
            angle=photo.angle,
            taken_on=photo.taken_on,
            width=photo.width,
            height=photo.height,
            content_type=photo.content_type,
            size_bytes=photo.size_bytes,
            sha256=photo.sha256,
            uploaded_by=photo.uploaded_by.username,
            uploaded_at=photo.uploaded_at,
            file_url=file_url,
        )
