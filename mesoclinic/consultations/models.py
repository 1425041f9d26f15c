"""Consultations: a dated medical-history snapshot and the concerns drawn on the map.

A ``Consultation`` keeps the history as it was told on the day, so a plan made from it
(``plans.models.StoredPlan``) can be explained later even after the patient's record has moved
on. Codes (conditions, medications, allergies, concerns, zones) are the planning contract's;
``consultations.services`` validates them against the knowledge base.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"


class NeedleFear(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    SEVERE = "severe", "Severe"


class Fitzpatrick(models.TextChoices):
    UNKNOWN = "", "Not recorded"
    I = "I", "I: always burns, never tans"  # noqa: E741 - the scale's own numeral
    II = "II", "II: usually burns, tans minimally"
    III = "III", "III: sometimes burns, tans uniformly"
    IV = "IV", "IV: burns minimally, always tans"
    V = "V", "V: very rarely burns, tans very easily"
    VI = "VI", "VI: never burns"


class Consultation(models.Model):
    """One consultation of one patient by one practitioner, with the history as told that day.

    ``concerns`` is a list of ``{"concern": code, "zones": [code, ...]}``, one entry per concern,
    in the knowledge base's order; ``conditions``, ``medications``, ``allergies`` and
    ``infection_zones`` are lists of codes. A completed consultation no longer changes.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consultations"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The medical-history snapshot.
    conditions = models.JSONField(default=list, blank=True)
    medications = models.JSONField(default=list, blank=True)
    allergies = models.JSONField(default=list, blank=True)
    infection_zones = models.JSONField(
        default=list, blank=True, help_text="Zones with an active skin infection."
    )
    pregnant = models.BooleanField(default=False)
    breastfeeding = models.BooleanField(default=False)
    childbearing_potential = models.BooleanField(null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    needle_fear = models.CharField(max_length=10, choices=NeedleFear.choices, default="none")
    fitzpatrick_type = models.CharField(
        max_length=3, choices=Fitzpatrick.choices, blank=True, default=Fitzpatrick.UNKNOWN
    )
    notes = models.TextField(blank=True, max_length=20_000)
    concerns = models.JSONField(default=list, blank=True)
    # Optimistic locking: bumped by every change of the draft, checked in the UPDATE
    # (consultations.services.consultation_update); the API's ETag and the edit form's field.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-held_at", "-id")
        indexes = (models.Index(fields=["patient", "-held_at"], name="consultation_patient_held"),)
        constraints = (
            models.CheckConstraint(
                name="consultation_status_valid", condition=Q(status__in=Status.values)
            ),
            models.CheckConstraint(
                name="consultation_needle_fear_valid",
                condition=Q(needle_fear__in=NeedleFear.values),
            ),
            models.CheckConstraint(
                name="consultation_fitzpatrick_valid",
                condition=Q(fitzpatrick_type__in=Fitzpatrick.values),
            ),
            models.CheckConstraint(
                name="consultation_completed_has_time",
                condition=(
                    Q(status=Status.DRAFT, completed_at__isnull=True)
                    | Q(status=Status.COMPLETED, completed_at__isnull=False)
                ),
                violation_error_message="A completed consultation records when it was completed.",
            ),
            models.CheckConstraint(
                name="consultation_weight_range",
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=1, weight_kg__lte=400),
                violation_error_message="Weight must be from 1 to 400 kg.",
            ),
            models.CheckConstraint(
                name="consultation_pregnant_not_male_only",
                # Pregnancy and breastfeeding say nothing of sex here (that is the patient's
                # record); the one invariant the row can hold is "no potential, not pregnant".
                condition=~Q(pregnant=True, childbearing_potential=False),
                violation_error_message=(
                    "A pregnant patient has childbearing potential: record it as yes or not stated."
                ),
            ),
        )

    def __str__(self) -> str:
        return f"Consultation {self.pk} of patient {self.patient_id} at {self.held_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT
