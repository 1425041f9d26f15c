"""An appointment's life after booking: reschedule, cancel, move through its statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from mesoclinic.accounts.access import Capability
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.core.errors import Conflict
from mesoclinic.patients.selectors import patient_get_for_write
from mesoclinic.scheduling.models import (
    Appointment,
    Status,
)
from mesoclinic.scheduling.selectors import (
    appointment_get_for_user,
)
from mesoclinic.scheduling.services.booking import (
    CANCELLABLE,
    MOVABLE,
    TRANSITIONS,
    Want,
    _atomic,
    _choose_rooms,
    _outside_hours,
    _outside_hours_error,
    _reason,
    _rooms_of,
    _start_check,
)
from mesoclinic.scheduling.services.holds import Hold, lock_resources

if TYPE_CHECKING:
    pass


def _for_write(actor: User, appointment_id: int, action: Action) -> Appointment:
    appointment = appointment_get_for_user(actor, appointment_id, action=action, audit=False)
    patient_get_for_write(
        actor,
        appointment.patient_id,
        capability=Capability.BOOK,
        object_type="appointment",
        action=action,
    )
    return appointment


def _locked(appointment_id: int) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("site", "service", "practitioner", "patient__site")
        .get(pk=appointment_id)
    )


def appointment_reschedule(*, actor: User, appointment_id: int, start: dt.datetime) -> Appointment:
    """Move a requested or confirmed appointment to ``start``, same practitioner and service.

    Keeps its room if that is free at the new time, else takes another of the type. Refused
    like a booking (409 when taken or outside hours); a past status (arrived, completed,
    cancelled, no show) is 409.
    """
    appointment = _for_write(actor, appointment_id, Action.UPDATE)
    start = _start_check(start)

    def write() -> Appointment:
        appointment = _locked(appointment_id)
        site, service = appointment.site, appointment.service
        if appointment.status not in MOVABLE:
            raise Conflict(f"A {appointment.get_status_display().lower()} appointment cannot move.")
        old = appointment.start
        hold = Hold.of(service, start)
        rooms = []
        if appointment.room_id is not None:
            rooms = _rooms_of(site, service, required=False)
        lock_resources(
            site,
            practitioner_ids=[appointment.practitioner_id],
            room_ids=rooms,
            patient_id=appointment.patient_id,
            holds=[hold],
        )
        if _outside_hours(site, appointment.practitioner, [hold]) is not None:
            raise _outside_hours_error(site, appointment.practitioner, hold)
        if appointment.room_id is not None:
            # Its own room first, if that is free at the new time.
            rooms = [appointment.room_id, *(r for r in rooms if r != appointment.room_id)]
        (room_id,) = _choose_rooms(
            site=site,
            patient_id=appointment.patient_id,
            wants=[Want(appointment.practitioner_id, hold, rooms)],
            check_others=not appointment.overbook_reason,
            exclude=appointment.pk,
        )
        end, held_from, held_until = hold.end, hold.held_from, hold.held_until
        appointment.start, appointment.end = start, end
        appointment.held_from, appointment.held_until = held_from, held_until
        appointment.room_id = room_id
        appointment.save(update_fields=["start", "end", "held_from", "held_until", "room"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=site.pk,
            detail={"from": old.isoformat(), "to": start.isoformat(), "room_id": room_id},
        )
        return appointment

    return _atomic(write, site=appointment.site, start=lambda: start)


def appointment_cancel(*, actor: User, appointment_id: int, reason: str) -> Appointment:
    """Cancel an appointment that has not yet happened, with a reason; it frees its time."""
    _for_write(actor, appointment_id, Action.UPDATE)
    reason = _reason("reason", reason, required=True)
    with transaction.atomic():
        appointment = _locked(appointment_id)
        if appointment.status not in CANCELLABLE:
            raise Conflict(
                f"A {appointment.get_status_display().lower()} appointment cannot be cancelled."
            )
        previous = appointment.status
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["status", "cancel_reason"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=appointment.site_id,
            detail={"status": [previous, Status.CANCELLED], "fields": ["cancel_reason"]},
        )
    return appointment


def appointment_set_status(*, actor: User, appointment_id: int, status: str) -> Appointment:
    """Move an appointment on: requested -> confirmed -> arrived -> completed, or no show."""
    _for_write(actor, appointment_id, Action.UPDATE)
    with transaction.atomic():
        appointment = _locked(appointment_id)
        allowed: Sequence[str] = sorted(TRANSITIONS.get(appointment.status, frozenset()))
        if status not in allowed:
            raise Conflict(
                f"A {appointment.get_status_display().lower()} appointment cannot become "
                f"“{status[:20]}”" + (f"; it can become {', '.join(allowed)}." if allowed else ".")
            )
        previous = appointment.status
        appointment.status = status
        appointment.save(update_fields=["status"])
        audit_record(
            action=Action.UPDATE,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=appointment.site_id,
            detail={"status": [previous, status]},
        )
    return appointment
