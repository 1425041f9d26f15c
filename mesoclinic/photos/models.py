"""Clinical photos: standard angles, re-encoded files, served only through an access check.

Rules of this module:
1. The stored file is never what was uploaded: ``photos.imaging`` decodes the upload and writes
   a fresh JPEG without metadata (no EXIF, GPS, ICC or text chunks).
2. Files live in the default storage under a path nobody can guess; there is no public URL for
   them (no MEDIA_URL route). ``photos.views.file`` streams them after the access check.
3. A photo is uploaded only while the patient's current photo consent covers the clinical
   record (``photos.services.photo_upload``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone


class Angle(models.TextChoices):
    """The standard views, so that photos of different visits compare like with like."""

    FRONT = "front", "Front"
    LEFT_45 = "left_45", "Left 45°"
    RIGHT_45 = "right_45", "Right 45°"
    LEFT_90 = "left_90", "Left profile (90°)"
    RIGHT_90 = "right_90", "Right profile (90°)"
    SCALP_TOP = "scalp_top", "Scalp from above"


def photo_path(instance: Photo, filename: str) -> str:
    return f"photos/{instance.patient_id}/{uuid.uuid4().hex}.jpg"


def thumbnail_path(instance: Photo, filename: str) -> str:
    return f"photos/{instance.patient_id}/thumbnails/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """One clinical photo of a patient at a standard angle on a given day."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="photos")
    angle = models.CharField(max_length=20, choices=Angle.choices)
    taken_on = models.DateField()
    file = models.FileField(upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40, default="image/jpeg")
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the stored file, hex.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-taken_on", "angle", "-uploaded_at", "-id")
        indexes = (
            models.Index(fields=["patient", "angle", "taken_on"], name="photo_patient_angle"),
        )
        constraints = (
            models.CheckConstraint(name="photo_angle_valid", condition=Q(angle__in=Angle.values)),
            models.CheckConstraint(
                name="photo_content_type_jpeg", condition=Q(content_type="image/jpeg")
            ),
            models.CheckConstraint(
                name="photo_dimensions_positive", condition=Q(width__gte=1, height__gte=1)
            ),
            models.CheckConstraint(name="photo_size_positive", condition=Q(size_bytes__gte=1)),
            models.CheckConstraint(
                name="photo_sha256_length", condition=Exact(Length("sha256"), 64)
            ),
            models.CheckConstraint(name="photo_file_set", condition=~Q(file="")),
        )

    def __str__(self) -> str:
        return f"{self.get_angle_display()}, {self.taken_on:%d %b %Y}"
