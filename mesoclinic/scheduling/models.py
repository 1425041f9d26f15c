"""Rooms, services, working hours, exceptions, courses and appointments.

Time is stored as the availability engine reads it (decision 0020): working hours and
exceptions as local wall-clock times and dates of the site's zone, appointments as aware UTC
instants. An appointment keeps two spans:

- ``start``/``end``: the service itself, what the patient is there for;
- ``held_from``/``held_until``: ``start - buffer_before`` to ``end + buffer_after``, what the
  practitioner and the room are held for (decision 0021).

The spans of appointments that hold time (not cancelled, not a no-show, not an overbooking)
never overlap per practitioner, room or patient. On PostgreSQL three exclusion constraints
hold this (added by migration 0002, PostgreSQL only); on SQLite the booking services re-check
inside the write transaction that SQLite serialises (decision 0033).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mesoclinic.accounts.models import Site

MIDNIGHT = dt.time(0, 0)
# Bounds on a service, so that an appointment holds at most MAX_HELD: the reads of a window
# then bound ``held_from`` from below as well as above, and use the (resource, held_from)
# indexes for that range instead of reading every earlier appointment.
MAX_DURATION = dt.timedelta(hours=12)
MAX_BUFFER = dt.timedelta(hours=6)
MAX_HELD = MAX_DURATION + 2 * MAX_BUFFER


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    room_type = models.SlugField(max_length=40, help_text="e.g. treatment, consultation")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="scheduling_room_unique_name"),
            models.CheckConstraint(
                name="scheduling_room_type_not_blank", condition=~Q(room_type="")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """What is booked. ``patient_facing_name`` is shown on public pages: it names no
    prescription-only medicine (UK advertising rules; checked by
    ``services.service_save``)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    patient_facing_name = models.CharField(max_length=120)
    duration = models.DurationField()
    buffer_before = models.DurationField(default=dt.timedelta(0))
    buffer_after = models.DurationField(default=dt.timedelta(0))
    room_type = models.SlugField(max_length=40, blank=True, help_text="Blank: needs no room.")
    needs_prescriber = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="scheduling_service_duration_positive",
                condition=Q(duration__gt=dt.timedelta(0)),
            ),
            models.CheckConstraint(
                name="scheduling_service_buffers_not_negative",
                condition=Q(buffer_before__gte=dt.timedelta(0))
                & Q(buffer_after__gte=dt.timedelta(0)),
            ),
            models.CheckConstraint(
                name="scheduling_service_bounded",
                condition=Q(duration__lte=MAX_DURATION)
                & Q(buffer_before__lte=MAX_BUFFER)
                & Q(buffer_after__lte=MAX_BUFFER),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """A practitioner's hours at a site on one weekday (0 is Monday), local wall-clock time.

    ``end`` 00:00 means 24:00. Either effective bound may be empty (open-ended).
    """

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                name="scheduling_hours_weekday_valid", condition=Q(weekday__lte=6)
            ),
            models.CheckConstraint(
                name="scheduling_hours_end_after_start",
                condition=Q(end__gt=F("start")) | Q(end=MIDNIGHT),
            ),
            models.CheckConstraint(
                name="scheduling_hours_effective_ordered",
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner_id} {self.weekday} {self.start}-{self.end}"


class TimeOffKind(models.TextChoices):
    LEAVE = "leave", "Leave"
    SICKNESS = "sickness", "Sickness"
    EXTRA_HOURS = "extra_hours", "Extra hours"
    PUBLIC_HOLIDAY = "public_holiday", "Public holiday"


class TimeOff(models.Model):
    """An exception to the weekly hours, on local dates ``first_day`` to ``last_day``.

    Leave and sickness of a practitioner: the whole days, or ``start`` to ``end`` on each day.
    Extra hours of a practitioner: ``start`` to ``end`` on each day (counts on a holiday too).
    A public holiday is the whole site's (no practitioner), whole days.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="time_off")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_off",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=20, choices=TimeOffKind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day", "start"]
        constraints = [
            models.CheckConstraint(
                name="scheduling_timeoff_kind_valid",
                condition=Q(kind__in=[k.value for k in TimeOffKind]),
            ),
            models.CheckConstraint(
                name="scheduling_timeoff_days_ordered", condition=Q(last_day__gte=F("first_day"))
            ),
            models.CheckConstraint(
                name="scheduling_timeoff_holiday_is_sitewide",
                condition=(Q(kind=TimeOffKind.PUBLIC_HOLIDAY) & Q(practitioner__isnull=True))
                | (~Q(kind=TimeOffKind.PUBLIC_HOLIDAY) & Q(practitioner__isnull=False)),
            ),
            models.CheckConstraint(
                name="scheduling_timeoff_times_together",
                condition=(Q(start__isnull=True) & Q(end__isnull=True))
                | (
                    Q(start__isnull=False)
                    & Q(end__isnull=False)
                    & (Q(end__gt=F("start")) | Q(end=MIDNIGHT))
                ),
            ),
            models.CheckConstraint(
                name="scheduling_timeoff_extra_hours_timed",
                condition=~Q(kind=TimeOffKind.EXTRA_HOURS) | Q(start__isnull=False),
            ),
            models.CheckConstraint(
                name="scheduling_timeoff_holiday_whole_days",
                condition=~Q(kind=TimeOffKind.PUBLIC_HOLIDAY) | Q(start__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_day}-{self.last_day}"


class Course(models.Model):
    """Sessions of one service booked together, all or none (``course_book``)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "plans.StoredPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="courses")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Course {self.pk}"


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No show"


# The statuses in which an appointment holds its practitioner, room and patient.
HOLDING = (Status.REQUESTED, Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED)


class Source(models.TextChoices):
    STAFF = "staff", "Staff"
    WEB = "web", "Web"
    API = "api", "API"


class Appointment(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    held_from = models.DateTimeField(help_text="start minus the service's buffer before")
    held_until = models.DateTimeField(help_text="end plus the service's buffer after")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    overbook_reason = models.TextField(
        blank=True, help_text="Set by a manager who books over another appointment on purpose."
    )
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["practitioner", "held_from"], name="sched_appt_practitioner"),
            models.Index(fields=["room", "held_from"], name="sched_appt_room"),
            models.Index(fields=["patient", "start"], name="sched_appt_patient"),
            models.Index(fields=["site", "start"], name="sched_appt_site"),
        ]
        constraints = [
            models.CheckConstraint(
                name="scheduling_appointment_end_after_start", condition=Q(end__gt=F("start"))
            ),
            models.CheckConstraint(
                name="scheduling_appointment_held_covers",
                condition=Q(held_from__lte=F("start")) & Q(held_until__gte=F("end")),
            ),
            models.CheckConstraint(
                name="scheduling_appointment_status_valid",
                condition=Q(status__in=[s.value for s in Status]),
            ),
            models.CheckConstraint(
                name="scheduling_appointment_source_valid",
                condition=Q(source__in=[s.value for s in Source]),
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING and not self.overbook_reason
