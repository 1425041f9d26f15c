"""Sites of a clinic and the staff who work at them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Site(models.Model):
    """One clinic location. Patients belong to one site; staff may work at several."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MANAGER = "manager", "Clinic manager"
    PRACTITIONER = "practitioner", "Practitioner"
    RECEPTIONIST = "receptionist", "Receptionist"


class User(AbstractUser):
    """A member of staff. What they may do follows from ``role`` (see ``accounts.access``)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECEPTIONIST)
    is_prescriber = models.BooleanField(default=False)
    registration_number = models.CharField(
        max_length=40, blank=True, help_text="Professional registration (e.g. NMC or GMC number)."
    )
    sites = models.ManyToManyField(Site, related_name="staff", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="accounts_user_prescriber_is_practitioner",
                condition=Q(is_prescriber=False) | Q(role="practitioner"),
                violation_error_message="Only a practitioner can be a prescriber.",
            ),
            models.CheckConstraint(
                name="accounts_user_prescriber_has_registration",
                condition=Q(is_prescriber=False) | ~Q(registration_number=""),
                violation_error_message="A prescriber needs a registration number.",
            ),
            models.CheckConstraint(
                name="accounts_user_role_valid",
                condition=Q(role__in=[r.value for r in Role]),
                violation_error_message="Unknown role.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
