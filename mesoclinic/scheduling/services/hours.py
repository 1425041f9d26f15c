"""Managers' writes of working time: weekly hours, and exceptions (leave, sickness, extra
hours, public holidays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import Conflict, Invalid, NotFound
from mesoclinic.scheduling.models import (
    MIDNIGHT,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from mesoclinic.scheduling.selectors import (
    hours_version,
    practitioners_at,
    site_get_for_user,
)
from mesoclinic.scheduling.services.booking import (
    MAX_INTERVAL_DAYS,
)

if TYPE_CHECKING:
    from mesoclinic.accounts.models import Site


@dataclass(frozen=True)
class HoursIn:
    """One weekday's working hours, as a manager sets them (local wall-clock time)."""

    weekday: int
    start: dt.time
    end: dt.time
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


def _manager_target(actor: User, practitioner_id: int, site_id: int) -> tuple[User, Site]:
    require(actor, Capability.MANAGE_SCHEDULE, what="working_hours")
    site = site_get_for_user(actor, site_id)
    practitioner = practitioners_at(site).filter(pk=practitioner_id).first()
    if practitioner is None:
        raise NotFound("No such practitioner.")
    return practitioner, site


class StaleHours(Conflict):
    """Someone else saved the practitioner's hours since the version the user started from."""

    def __init__(self, *, expected: int, current: int) -> None:
        self.current = current
        super().__init__(
            f"These hours were changed by someone else while you edited them (your copy was "
            f"version {expected}, they are now version {current}). Nothing of yours was saved: "
            "check their changes, then save again.",
            extra={"version": current},
        )


def working_hours_set(
    *,
    actor: User,
    practitioner_id: int,
    site_id: int,
    hours: Sequence[HoursIn],
    expected_version: int | None = None,
) -> list[WorkingHours]:
    """Replace the practitioner's weekly hours at the site (managers only). Appointments
    already booked stay; new bookings follow the new hours.

    The week has no row of its own to carry a version, so its version is a fingerprint of its
    rows (``hours_version``): ``expected_version`` (the version the page or the client read)
    that is not the week's version now is ``StaleHours`` (409) and nothing is saved (decision
    0031). The check and the replacement run under a lock of the practitioner's row, so two
    managers saving at once are checked one after the other.
    """
    practitioner, site = _manager_target(actor, practitioner_id, site_id)
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(hours):
        if not 0 <= row.weekday <= 6:
            errors[f"hours[{i}].weekday"] = [
                f"hours[{i}].weekday: 0 (Monday) to 6 (Sunday), got {row.weekday}."
            ]
        if row.end != MIDNIGHT and row.end <= row.start:
            errors[f"hours[{i}].end"] = [
                f"hours[{i}].end: {row.end} is not after start {row.start} (00:00 is midnight)."
            ]
        if row.effective_from and row.effective_to and row.effective_to < row.effective_from:
            errors[f"hours[{i}].effective_to"] = [
                f"hours[{i}].effective_to: {row.effective_to} is before effective_from."
            ]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=practitioner.pk).values_list("pk"))
        week = WorkingHours.objects.filter(practitioner=practitioner, site=site)
        current = hours_version(list(week))
        if expected_version is not None and expected_version != current:
            raise StaleHours(expected=expected_version, current=current)
        week.delete()
        rows = WorkingHours.objects.bulk_create(
            WorkingHours(
                practitioner=practitioner,
                site=site,
                weekday=row.weekday,
                start=row.start,
                end=row.end,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
            )
            for row in hours
        )
        audit_record(
            action=Action.UPDATE,
            object_type="working_hours",
            object_id=practitioner.pk,
            site_id=site.pk,
            detail={"rows": len(rows)},
        )
    return rows


def time_off_add(
    *,
    actor: User,
    site_id: int,
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    practitioner_id: int | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    note: str = "",
) -> TimeOff:
    """Add leave, sickness or extra hours of a practitioner, or a public holiday of the site
    (no practitioner), managers only. Appointments already booked stay."""
    require(actor, Capability.MANAGE_SCHEDULE, what="time_off")
    site = site_get_for_user(actor, site_id)
    errors: dict[str, list[str]] = {}
    if kind not in TimeOffKind.values:
        errors["kind"] = [f"kind: one of {', '.join(TimeOffKind.values)}, got “{kind[:30]}”."]
    holiday = kind == TimeOffKind.PUBLIC_HOLIDAY
    if holiday and (start or end):
        errors["start"] = ["start: a public holiday is whole days."]
    if holiday and practitioner_id is not None:
        # Refused rather than dropped: whoever chose a practitioner meant their leave.
        errors["practitioner"] = [
            "practitioner: a public holiday is the whole site's; leave the practitioner blank."
        ]
    if kind == TimeOffKind.EXTRA_HOURS and (start is None or end is None):
        errors["start"] = ["start: extra hours need a start and an end."]
    if (start is None) != (end is None):
        errors["end"] = ["end: give both start and end, or neither (whole days)."]
    elif start is not None and end is not None and end != MIDNIGHT and end <= start:
        errors["end"] = [f"end: {end} is not after start {start}."]
    if last_day < first_day:
        errors["last_day"] = [f"last_day: {last_day} is before first_day ({first_day})."]
    elif (last_day - first_day).days > MAX_INTERVAL_DAYS:
        errors["last_day"] = [f"last_day: at most {MAX_INTERVAL_DAYS} days after first_day."]
    if errors:
        raise Invalid(errors)
    practitioner = None
    if not holiday:
        if practitioner_id is None:
            raise Invalid({"practitioner": ["practitioner: needed for this kind."]})
        practitioner, site = _manager_target(actor, practitioner_id, site.pk)
    with transaction.atomic():
        row = TimeOff.objects.create(
            site=site,
            practitioner=practitioner,
            kind=kind,
            first_day=first_day,
            last_day=last_day,
            start=start,
            end=end,
            note=note.strip()[:200],
        )
        audit_record(
            action=Action.CREATE,
            object_type="time_off",
            object_id=row.pk,
            site_id=site.pk,
            detail={"kind": kind, "practitioner_id": practitioner_id},
        )
    return row


def time_off_remove(
    *,
    actor: User,
    time_off_id: int,
    practitioner_id: int | None = None,
    site_id: int | None = None,
) -> None:
    """Remove one exception of the actor's sites (managers only).

    ``practitioner_id`` and ``site_id``, when given, narrow the search to what the caller's
    address names: the API's path names a practitioner, the pages' a site (whose public
    holidays belong to no practitioner). An exception outside them is not found.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="time_off")
    rows = TimeOff.objects.filter(pk=time_off_id, site_id__in=site_ids(actor))
    if practitioner_id is not None:
        rows = rows.filter(practitioner_id=practitioner_id)
    if site_id is not None:
        rows = rows.filter(site_id=site_id)
    row = rows.first()
    if row is None:
        audit_denied(reason="no_such_time_off", object_type="time_off", object_id=time_off_id)
        raise NotFound("No such exception.")
    with transaction.atomic():
        row.delete()
        audit_record(
            action=Action.UPDATE,
            object_type="time_off",
            object_id=time_off_id,
            site_id=row.site_id,
            detail={"removed": True, "kind": row.kind},
        )
