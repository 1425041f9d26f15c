"""Writes of the diary, one module per concern; every caller imports them from here.

- ``holds``: the time an appointment holds, and the advisory locks of its resources;
- ``booking``: ``appointment_book`` and what every booking shares (the overlap re-check, row
  locks, bounded retries, the working-time check; decision 0033);
- ``courses``: ``course_book``, every session or none;
- ``appointments``: ``appointment_reschedule``, ``appointment_cancel``,
  ``appointment_set_status``;
- ``hours``: managers' weekly hours and exceptions;
- ``catalogue``: managers' services and rooms.
"""

from mesoclinic.scheduling.services.appointments import (
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from mesoclinic.scheduling.services.booking import (
    CANCELLABLE,
    CONSTRAINT_NAMES,
    MAX_AHEAD,
    MAX_INTERVAL_DAYS,
    MAX_REASON,
    MAX_SESSIONS,
    MAX_TOLERANCE_DAYS,
    MOVABLE,
    TRANSITIONS,
    OutsideHours,
    Placement,
    SlotTaken,
    appointment_book,
)
from mesoclinic.scheduling.services.catalogue import (
    prescription_only_named,
    room_save,
    service_save,
)
from mesoclinic.scheduling.services.courses import SessionUnplaced, course_book
from mesoclinic.scheduling.services.hours import (
    HoursIn,
    StaleHours,
    time_off_add,
    time_off_remove,
    working_hours_set,
)

__all__ = [
    "CANCELLABLE",
    "CONSTRAINT_NAMES",
    "MAX_AHEAD",
    "MAX_INTERVAL_DAYS",
    "MAX_REASON",
    "MAX_SESSIONS",
    "MAX_TOLERANCE_DAYS",
    "MOVABLE",
    "TRANSITIONS",
    "HoursIn",
    "OutsideHours",
    "Placement",
    "SessionUnplaced",
    "SlotTaken",
    "StaleHours",
    "appointment_book",
    "appointment_cancel",
    "appointment_reschedule",
    "appointment_set_status",
    "course_book",
    "prescription_only_named",
    "room_save",
    "service_save",
    "time_off_add",
    "time_off_remove",
    "working_hours_set",
]
