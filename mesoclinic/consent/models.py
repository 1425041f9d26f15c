"""Consent: versioned treatment consent templates, signed consent records, photo consent.

Rules of this module (the database holds each one it can):
1. A template version is never edited: a change is a new version (``consent_template_publish``).
   Only ``is_current`` moves from one version to the next; at most one is current per treatment.
2. A signed consent record is immutable: the model, its queryset and a database trigger refuse
   UPDATE and DELETE (migration 0002). It names the exact template version the patient read.
3. Photo consent is separate from treatment consent and keeps its history: changing the scopes
   records a new row; a withdrawal stamps ``withdrawn_at`` once and never changes again.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Treatment(models.TextChoices):
    MESOTHERAPY_FACE = "mesotherapy_face", "Mesotherapy (face)"
    MESOTHERAPY_SCALP = "mesotherapy_scalp", "Mesotherapy (scalp)"
    MESOTHERAPY_BODY = "mesotherapy_body", "Mesotherapy (body)"
    DEOXYCHOLIC_ACID_SUBMENTAL = "deoxycholic_acid_submental", "Deoxycholic acid (under the chin)"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "Drawn signature"
    TYPED = "typed", "Typed name"


# The uses of photos a patient may allow, each a boolean field of PhotoConsent, with its name.
PHOTO_SCOPES = (
    ("clinical_record", "clinical record"),
    ("teaching", "teaching"),
    ("marketing", "marketing"),
)


class ConsentTemplate(models.Model):
    """One version of the consent text for one treatment, exactly as patients read it."""

    treatment = models.CharField(max_length=40, choices=Treatment.choices)
    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ("treatment", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["treatment", "version"], name="consent_template_treatment_version"
            ),
            models.UniqueConstraint(
                fields=["treatment"],
                condition=Q(is_current=True),
                name="consent_template_one_current",
                violation_error_message="Only one version of a treatment's consent is current.",
            ),
            models.CheckConstraint(
                name="consent_template_treatment_valid",
                condition=Q(treatment__in=Treatment.values),
            ),
            models.CheckConstraint(
                name="consent_template_version_positive", condition=Q(version__gte=1)
            ),
            models.CheckConstraint(name="consent_template_title_set", condition=~Q(title="")),
            models.CheckConstraint(name="consent_template_body_set", condition=~Q(body="")),
        )

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only the "current" flag may change after creation; publishing moves it.
        if not self._state.adding and kwargs.get("update_fields") != ["is_current"]:
            raise TypeError(
                "Consent template versions are immutable: publish a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Consent template versions are kept: they cannot be deleted.")


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Signed consent is immutable: it cannot be updated.")

    def delete(self) -> NoReturn:
        raise TypeError("Signed consent is immutable: it cannot be deleted.")


def signature_path(instance: ConsentRecord, filename: str) -> str:
    """A path nobody can guess, outside any public URL (there is no MEDIA_URL route)."""
    return f"consent/signatures/{instance.patient_id}/{uuid.uuid4().hex}.png"


class ConsentRecord(models.Model):
    """A patient's signed consent to one treatment, against one exact template version.

    Immutable once saved (see the module rules). ``signature`` holds the drawn signature as a
    PNG re-encoded by ``consent.signature``, or is empty when the patient typed their name.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consent_records"
    )
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="records")
    signed_name = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=SignatureMethod.choices)
    signature = models.FileField(upload_to=signature_path, max_length=200, blank=True)
    confirmed = models.BooleanField()
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ("-signed_at", "-id")
        indexes = (models.Index(fields=["patient", "-signed_at"], name="consent_record_patient"),)
        constraints = (
            models.CheckConstraint(
                name="consent_record_confirmed",
                condition=Q(confirmed=True),
                violation_error_message="The patient must confirm they read and understood.",
            ),
            models.CheckConstraint(
                name="consent_record_method_valid", condition=Q(method__in=SignatureMethod.values)
            ),
            models.CheckConstraint(name="consent_record_name_set", condition=~Q(signed_name="")),
            models.CheckConstraint(
                name="consent_record_signature_matches_method",
                condition=(Q(method=SignatureMethod.DRAWN) & ~Q(signature=""))
                | (Q(method=SignatureMethod.TYPED) & Q(signature="")),
                violation_error_message="A drawn signature needs its image; a typed one has none.",
            ),
        )

    def __str__(self) -> str:
        return f"{self.signed_name}: {self.template}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Signed consent is immutable: it cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Signed consent is immutable: it cannot be deleted.")


class PhotoConsentQuerySet(models.QuerySet["PhotoConsent"]):
    def delete(self) -> NoReturn:
        raise TypeError("Photo consent history is kept: it cannot be deleted.")


class PhotoConsent(models.Model):
    """What a patient allows their photos to be used for, from ``given_at`` until withdrawn.

    The patient's current photo consent is their latest row, if it is not withdrawn
    (``consent.selectors.photo_consent_current``). Changing a scope records a new row, so the
    history of what was allowed when stays readable.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="photo_consents"
    )
    clinical_record = models.BooleanField(help_text="Photos kept in the clinical record.")
    teaching = models.BooleanField(help_text="Photos shown, anonymised, in teaching.")
    marketing = models.BooleanField(help_text="Photos used in the clinic's marketing.")
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PhotoConsentQuerySet.as_manager()

    class Meta:
        ordering = ("-given_at", "-id")
        indexes = (models.Index(fields=["patient", "-given_at"], name="photo_consent_patient"),)
        constraints = (
            models.CheckConstraint(
                name="photo_consent_withdrawal_complete",
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                violation_error_message="A withdrawal records both when and who.",
            ),
            models.CheckConstraint(
                name="photo_consent_withdrawn_after_given",
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                violation_error_message="A consent cannot be withdrawn before it was given.",
            ),
        )

    def __str__(self) -> str:
        return f"Photo consent of patient {self.patient_id} given {self.given_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only the withdrawal stamp may be written after creation (migration 0002 also
        # refuses any other change in the database).
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {
            "withdrawn_at",
            "withdrawn_by",
        }:
            raise TypeError("Photo consent is kept as given: record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Photo consent history is kept: it cannot be deleted.")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def scopes(self) -> list[str]:
        """The uses allowed, in words, for pages and the API."""
        return [label for field, label in PHOTO_SCOPES if getattr(self, field)]
