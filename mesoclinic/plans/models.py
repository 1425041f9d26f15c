"""Stored plans: the engine's answer for a consultation, and the practitioner's edits to it.

A ``StoredPlan`` keeps the engine's answer twice: ``engine_output`` exactly as the engine gave
it (never changed), and ``current``, the same document with the practitioner's edits applied;
each ``PlanEdit`` records one change with its reason. ``status`` says whether the plan needs a
prescriber's signature (it contains a prescription-only medicine) and whether it has one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone


class PlanStatus(models.TextChoices):
    """Where a plan stands with its prescription-only medicines (see ``plans.prescribing``)."""

    READY = "ready", "Ready (no prescription-only medicine)"
    AWAITING_PRESCRIBER = "awaiting_prescriber", "Awaiting a prescriber"
    SIGNED = "signed", "Signed by a prescriber"


class StoredPlan(models.Model):
    """A plan the engine made for a consultation, and the same plan as edited.

    ``request`` is the planning contract's request that was sent; ``engine_output`` is
    ``plan_to_dict`` of the engine's answer and is never changed; ``current`` starts equal to it
    and changes only through ``plans.services.plan_edit``.
    """

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.PROTECT, related_name="plans"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    knowledge_version = models.CharField(max_length=80)
    request = models.JSONField()
    engine_output = models.JSONField()
    current = models.JSONField()
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.AWAITING_PRESCRIBER
    )
    # The prescriber's signature: who, when, and their registration number as it was then.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_registration = models.CharField(max_length=40, blank=True)
    # Optimistic locking: bumped by every edit and signature, checked in the UPDATE of an edit
    # (plans.services.plan_edit); the API's ETag and the edit form's hidden field.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # The table keeps the name it had when plans lived in the consultations app: moving the
        # model moved no row (see decision 0019).
        db_table = "consultations_storedplan"
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["consultation", "-created_at"], name="plan_consult_created"),
        )
        constraints = (
            models.CheckConstraint(
                name="plan_knowledge_version_set", condition=~Q(knowledge_version="")
            ),
            models.CheckConstraint(
                name="plan_status_valid", condition=Q(status__in=PlanStatus.values)
            ),
            models.CheckConstraint(
                name="plan_signed_has_signature",
                # Signed means who, when and a registration number; unsigned means none of them.
                condition=(
                    Q(
                        status=PlanStatus.SIGNED,
                        signed_by__isnull=False,
                        signed_at__isnull=False,
                    )
                    & ~Q(signer_registration="")
                )
                | Q(
                    ~Q(status=PlanStatus.SIGNED),
                    signed_by__isnull=True,
                    signed_at__isnull=True,
                    signer_registration="",
                ),
                violation_error_message=(
                    "A signed plan records the prescriber, the time and their registration "
                    "number; an unsigned plan records none of them."
                ),
            ),
        )

    def __str__(self) -> str:
        return f"Plan {self.pk} of consultation {self.consultation_id}"

    @property
    def awaits_prescriber(self) -> bool:
        return self.status == PlanStatus.AWAITING_PRESCRIBER


class PlanEdit(models.Model):
    """One change to one value of a plan's ``current`` document, with who, when and why."""

    plan = models.ForeignKey(StoredPlan, on_delete=models.PROTECT, related_name="edits")
    path = models.CharField(max_length=120)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField()
    reason = models.TextField(max_length=2_000)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "consultations_planedit"
        ordering = ("edited_at", "id")
        constraints = (
            models.CheckConstraint(
                name="plan_edit_reason_given",
                # Whoever writes, a blank or whitespace-only reason is refused by the database.
                condition=GreaterThan(Length(Trim("reason")), 0),
                violation_error_message="An edit needs a reason.",
            ),
            models.CheckConstraint(name="plan_edit_path_set", condition=~Q(path="")),
        )

    def __str__(self) -> str:
        return f"Edit {self.pk} of plan {self.plan_id}: {self.path}"
