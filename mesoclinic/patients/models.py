"""Patients: who they are and how to reach them. Clinical data lives in other apps."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "", "Not recorded"


def normalise_name(text: str) -> str:
    """Lower case, accents removed, single spaces: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def phone_digits(text: str) -> str:
    """The digits of a phone number, with a UK +44 prefix turned into a leading 0."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44") and text.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


class Patient(models.Model):
    """A patient of one site. Patients are archived, never deleted (records must be kept)."""

    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="patients")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True, default=Sex.UNKNOWN)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    # Derived, for indexed search; kept in step by save().
    search_name = models.CharField(max_length=210, editable=False, db_index=False)
    search_phone = models.CharField(max_length=40, editable=False, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["site", "search_name"], name="patient_site_name"),
            models.Index(fields=["site", "search_phone"], name="patient_site_phone"),
            models.Index(fields=["site", "date_of_birth"], name="patient_site_dob"),
        ]
        constraints = [
            models.CheckConstraint(name="patient_given_name_set", condition=~Q(given_name="")),
            models.CheckConstraint(name="patient_family_name_set", condition=~Q(family_name="")),
            models.CheckConstraint(
                name="patient_sex_valid", condition=Q(sex__in=[s.value for s in Sex])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived columns only; business rules live in patients.services.
        self.search_name = normalise_name(f"{self.family_name} {self.given_name}")
        self.search_phone = phone_digits(self.phone)
        super().save(*args, **kwargs)
