# mypy: disable-error-code="import-untyped"
# django-otp ships no type information, and the django-stubs plugin reads its TOTPDevice (whose
# foreign key points at User) while checking this module; a pyproject override would replace this.
"""Sites of a clinic, the staff who work at them, and the API tokens staff hold."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from mesoclinic.core.time import validate_time_zone


class Site(models.Model):
    """One clinic location. Patients belong to one site; staff may work at several."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The site's time zone, for dates and times shown or typed at this clinic.

        ``time_zone`` is validated whenever a site is saved through ``full_clean`` (services
        and the admin); a row written before that check, with a name that is no zone, falls
        back to the deployment's zone rather than failing every page of the site.
        """
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


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
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set when a manager gives a temporary password: every page but the password "
        "page is closed until the member chooses their own.",
    )

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


TOKEN_PREFIX_LENGTH = 8
# A token lives 90 days unless its owner chooses fewer: a forgotten token stops working.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


def token_default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=TOKEN_DEFAULT_DAYS)


class ApiToken(models.Model):
    """A bearer token for an API client, acting as ``user``.

    Only the SHA-256 of the token is stored: the token itself is shown once, when it is made.
    ``prefix`` (its first 8 characters) is stored in clear so that the owner can tell tokens
    apart and so that authentication finds the row by an indexed, unique column.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. the client.")
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH)
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=token_default_expiry)
    read_only = models.BooleanField(
        default=False, help_text="Only reads (GET, HEAD): every write is refused with 403."
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("prefix",), name="accounts_apitoken_prefix_unique"),
            models.CheckConstraint(
                name="accounts_apitoken_prefix_length",
                condition=Exact(Length("prefix"), TOKEN_PREFIX_LENGTH),
                violation_error_message="A token prefix has exactly 8 characters.",
            ),
            models.CheckConstraint(
                name="accounts_apitoken_hash_length",
                condition=Exact(Length("secret_hash"), 64),
                violation_error_message="A token hash is 64 hexadecimal characters.",
            ),
            models.CheckConstraint(
                name="accounts_apitoken_name_not_blank",
                condition=~Q(name=""),
                violation_error_message="A token needs a name.",
            ),
            models.CheckConstraint(
                name="accounts_apitoken_revoked_after_created",
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                violation_error_message="A token cannot be revoked before it was made.",
            ),
            models.CheckConstraint(
                name="accounts_apitoken_expires_after_created",
                condition=Q(expires_at__gt=F("created_at")),
                violation_error_message="A token must expire after it was made.",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
