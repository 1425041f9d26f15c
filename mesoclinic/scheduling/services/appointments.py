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
    Room,
    Status,
)
from mesoclinic.scheduling.selectors import (
    appointment_get_for_user,
)
from mesoclinic.scheduling.services.booking import (
    CANCELLABLE,
    MOVABLE,
    TRANSITIONS,
    OutsideHours,
    SlotTaken,
    _atomic,
    _clash,
    _in_working_time,
    _local,
    _lock,
    _reason,
    _start_check,
    _taken_message,
)

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
        _lock(appointment.practitioner_id, site, service.room_type)
        if appointment.status not in MOVABLE:
            raise Conflict(f"A {appointment.get_status_display().lower()} appointment cannot move.")
        old = appointment.start
        end = start + service.duration
        held_from, held_until = start - service.buffer_before, end + service.buffer_after
        if not _in_working_time(site, appointment.practitioner, held_from, held_until):
            raise OutsideHours(
                f"{appointment.practitioner} does not work at {_local(held_from, site)} to "
                f"{_local(held_until, site)} (buffers included); choose another time."
            )
        check_others = not appointment.overbook_reason
        room_id = appointment.room_id
        if room_id is not None and check_others:
            rooms = [
                room_id,
                *list(
                    Room.objects.filter(site=site, room_type=service.room_type, active=True)
                    .exclude(pk=room_id)
                    .order_by("name", "pk")
                    .values_list("pk", flat=True)
                ),
            ]
            room_id = next(
                (
                    r
                    for r in rooms
                    if _clash(
                        practitioner_id=None,
                        room_id=r,
                        patient_id=-1,
                        start=start,
                        end=end,
                        held_from=held_from,
                        held_until=held_until,
                        exclude=appointment.pk,
                    )
                    is None
                ),
                None,
            )
            if room_id is None:
                raise SlotTaken(_taken_message("room", site, start), extra={"taken": "room"})
        what = _clash(
            practitioner_id=appointment.practitioner_id if check_others else None,
            room_id=room_id if check_others else None,
            patient_id=appointment.patient_id,
            start=start,
            end=end,
            held_from=held_from,
            held_until=held_until,
            exclude=appointment.pk,
        )
        if what is not None:
            raise SlotTaken(_taken_message(what, site, start), extra={"taken": what})
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
