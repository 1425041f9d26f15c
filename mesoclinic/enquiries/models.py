"""Enquiries: a person asking the clinic to contact them, and what reception did about it.

An enquiry holds a person's contact details and, when they came from the self-assessment, their
health answers: it is read and written only through ``enquiries.selectors`` and
``enquiries.services``, each read and write audited as patient data is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    CONVERTED = "converted", "Converted"
    CLOSED = "closed", "Closed"


class PreferredTime(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", "Weekday mornings"
    WEEKDAY_AFTERNOON = "weekday_afternoon", "Weekday afternoons"
    WEEKDAY_EVENING = "weekday_evening", "Weekday evenings"
    SATURDAY = "saturday", "Saturdays"


NAME_MAX = 200
MESSAGE_MAX = 2000


class Enquiry(models.Model):
    """One enquiry, sent from the public form. Never deleted: closed, with a reason."""

    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="enquiries")
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField(blank=True)
    # E.164 (+447700900123): the form normalises what was typed.
    phone = models.CharField(max_length=20, blank=True)
    preferred_times = models.JSONField(default=list, blank=True)
    message = models.TextField(max_length=MESSAGE_MAX, blank=True)
    consent_to_contact = models.BooleanField()
    # ``public.answers.answers_to_dict`` of the self-assessment the person attached, or null.
    answers = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = (
            # The inbox: a site's enquiries of one status, newest first; and the header's count.
            models.Index(fields=["site", "status", "-created_at", "-id"], name="enquiry_inbox"),
        )
        constraints = (
            models.CheckConstraint(name="enquiry_name_set", condition=~Q(name="")),
            models.CheckConstraint(name="enquiry_reachable", condition=~Q(email="") | ~Q(phone="")),
            models.CheckConstraint(
                name="enquiry_consent_given", condition=Q(consent_to_contact=True)
            ),
            models.CheckConstraint(
                name="enquiry_status_valid", condition=Q(status__in=Status.values)
            ),
            # A patient is linked exactly when the enquiry was converted.
            models.CheckConstraint(
                name="enquiry_patient_iff_converted",
                condition=(Q(status=Status.CONVERTED) & Q(patient__isnull=False))
                | (~Q(status=Status.CONVERTED) & Q(patient__isnull=True)),
            ),
        )

    def __str__(self) -> str:
        return f"Enquiry {self.pk} from {self.name}"

    @property
    def is_open(self) -> bool:
        """New or contacted: reception still has something to do."""
        return self.status in {Status.NEW, Status.CONTACTED}


class EnquiryEvent(models.Model):
    """What happened to an enquiry: who changed its status, from what to what, and why."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="events")
    # Null for the person who sent it (no account).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField(max_length=MESSAGE_MAX, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = (
            models.CheckConstraint(
                name="enquiry_event_to_valid", condition=Q(to_status__in=Status.values)
            ),
        )

    def __str__(self) -> str:
        return f"Enquiry {self.enquiry_id}: {self.from_status or 'sent'} -> {self.to_status}"


class SendAttempt(models.Model):
    """One POST of the public form, for the per-address throttle (``enquiries.throttle``).

    ``address_key`` is a keyed hash of the client address, not the address: the throttle needs
    to know that two attempts came from the same place, not where that is.
    """

    address_key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = (
            models.Index(fields=["address_key", "at"], name="enquiry_attempt_by_key"),
            models.Index(fields=["at"], name="enquiry_attempt_by_time"),  # the clean-up
        )

    def __str__(self) -> str:
        return f"Attempt at {self.at:%Y-%m-%d %H:%M}"
