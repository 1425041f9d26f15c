"""Patients: who they are and how to reach them. Clinical data lives in other apps."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models, transaction
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


_NOT_WORD = re.compile(r"[^\w]+")
TOKEN_MAX_LENGTH = 100


def name_tokens(search_name: str) -> set[str]:
    """The words a name search prefix-matches: each word, its parts, and its parts joined.

    ``search_name`` is already normalised. "smith-jones" gives "smith-jones"'s parts "smith" and
    "jones" and the joined "smithjones", so that "jones", "smith-jo" and "smithj" all find it
    (search terms are stripped of punctuation the same way, see ``patients.search``).
    """
    tokens: set[str] = set()
    for word in search_name.split():
        parts = [part for part in _NOT_WORD.split(word) if part]
        tokens.update(parts)
        if parts:
            tokens.add("".join(parts))
    return {token[:TOKEN_MAX_LENGTH] for token in tokens}


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
    # The phone digits backwards, so that "ends with the typed digits" (the last six digits a
    # caller reads out) is a prefix match an index serves, as "starts with" is on search_phone.
    # A database default too, so that a writer that does not know the column (an older
    # migration state, a raw INSERT) still leaves a valid row; save() keeps it right.
    search_phone_reversed = models.CharField(
        max_length=40, editable=False, blank=True, db_default=""
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: bumped by every change of the details, checked in the UPDATE
    # (patients.services.patient_update); the API's ETag and the edit form's hidden field.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # A list, as migration 0001 recorded it: a tuple would be a migration of its own.
        ordering = ["family_name", "given_name", "id"]
        indexes = (
            models.Index(fields=["site", "search_name"], name="patient_site_name"),
            models.Index(fields=["site", "search_phone"], name="patient_site_phone"),
            models.Index(fields=["site", "date_of_birth"], name="patient_site_dob"),
            # Phone search is a prefix match (LIKE 'digits%'); PostgreSQL uses a b-tree for that
            # only with a pattern operator class unless the database collation is "C".
            models.Index(
                fields=["site", "search_phone"],
                name="patient_site_phone_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["site", "search_phone_reversed"],
                name="patient_site_phone_suffix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # Counts the list's "site in (...) and not archived" from the index alone.
            models.Index(fields=["site", "archived_at"], name="patient_site_archived"),
            # The list's order; for a user of several sites too, where (site, name) cannot
            # give one order across the sites without sorting them all.
            models.Index(fields=["search_name", "id"], name="patient_name_order"),
        )
        constraints = (
            models.CheckConstraint(name="patient_given_name_set", condition=~Q(given_name="")),
            models.CheckConstraint(name="patient_family_name_set", condition=~Q(family_name="")),
            models.CheckConstraint(
                name="patient_sex_valid", condition=Q(sex__in=[s.value for s in Sex])
            ),
        )

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived data only (search columns and name tokens); business rules live in
        # patients.services. The tokens are kept here rather than in services so that every way
        # of saving a patient (fixtures, admin, other apps) stays searchable; bulk_create and
        # queryset.update() bypass this, so bulk loads call patient_search_reindex() after.
        self.search_name = normalise_name(f"{self.family_name} {self.given_name}")
        self.search_phone = phone_digits(self.phone)
        self.search_phone_reversed = self.search_phone[::-1]
        update_fields = kwargs.get("update_fields")
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or {"family_name", "given_name", "site"} & set(update_fields):
                self._sync_name_tokens(adding=adding)

    def _sync_name_tokens(self, *, adding: bool) -> None:
        """Make the patient's ``PatientNameToken`` rows match its name and site.

        Cost: one INSERT for a new patient; one SELECT, plus a DELETE and an INSERT only when
        the name or site changed, for an existing one.
        """
        wanted = {(token, self.site_id) for token in name_tokens(self.search_name)}
        existing: set[tuple[str, int]] = set()
        if not adding:
            existing = set(self.name_tokens.values_list("token", "site_id"))
        stale = existing - wanted
        if stale:
            self.name_tokens.filter(token__in=[token for token, _ in stale]).delete()
        PatientNameToken.objects.bulk_create(
            PatientNameToken(patient=self, site_id=site_id, token=token)
            for token, site_id in sorted(wanted - existing)
        )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PatientNameToken(models.Model):
    """One searchable word of a patient's name (see ``name_tokens``), kept by ``Patient.save``.

    Name search is "every term prefix-matches some word of the name". Matching words inside
    ``search_name`` would need ``LIKE '% term%'``, a leading wildcard no b-tree index serves; one
    row per word turns it into ``token LIKE 'term%'``, an index range scan on both databases.
    ``site`` is copied from the patient so that the scan is limited to the user's sites.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="name_tokens")
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=TOKEN_MAX_LENGTH)

    class Meta:
        indexes = (
            # Serves "site_id IN (...) AND token LIKE 'term%'" and returns patient_id from the
            # index alone. The pattern operator class lets PostgreSQL use it for LIKE under any
            # collation; other databases ignore opclasses.
            models.Index(
                fields=["site", "token", "patient"],
                name="patient_token_site_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops", "int8_ops"],
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=["patient", "token"], name="patient_token_unique"),
            models.CheckConstraint(name="patient_token_set", condition=~Q(token="")),
        )

    def __str__(self) -> str:
        return self.token
