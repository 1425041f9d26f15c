"""Template filters of the diary: an appointment's times in its site's zone, and its next
statuses. Each filter reads ``appointment.site``: load appointments with ``select_related``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import template

from mesoclinic.scheduling.diary import DASH, PRACTITIONERS
from mesoclinic.scheduling.models import Status
from mesoclinic.scheduling.services import MOVABLE, TRANSITIONS

if TYPE_CHECKING:
    from mesoclinic.scheduling.diary import DiaryDay
    from mesoclinic.scheduling.models import Appointment

register = template.Library()


def _local(moment: dt.datetime, appointment: Appointment) -> dt.datetime:
    return moment.astimezone(appointment.site.zone)


@register.filter
def local_time(appointment: Appointment) -> str:
    return f"{_local(appointment.start, appointment):%H:%M}"


@register.filter
def local_span(appointment: Appointment) -> str:
    return (
        f"{_local(appointment.start, appointment):%H:%M}{DASH}"
        f"{_local(appointment.end, appointment):%H:%M}"
    )


@register.filter
def local_date(appointment: Appointment) -> str:
    return f"{_local(appointment.start, appointment):%a %d %b %Y}"


@register.filter
def local_day(appointment: Appointment) -> dt.date:
    return _local(appointment.start, appointment).date()


@register.filter
def next_statuses(appointment: Appointment) -> list[tuple[str, str]]:
    """(value, label) of each status the appointment may move to, in the order of a visit."""
    allowed = TRANSITIONS.get(appointment.status, frozenset())
    return [(status.value, status.label) for status in Status if status in allowed]


@register.filter
def is_movable(appointment: Appointment) -> bool:
    return appointment.status in MOVABLE


@register.filter
def keep_query(diary: DiaryDay) -> str:
    """The query string that keeps the day's view when paging to another day."""
    parts = []
    if diary.view != PRACTITIONERS:
        parts.append(f"view={diary.view}")
    if diary.everyone:
        parts.append("everyone=1")
    return "?" + "&".join(parts) if parts else ""
