"""Reads of the diary: availability through the pure engine, appointments with access checks.

``availability`` loads a window's calendar in one query per kind of row (practitioners, hours,
exceptions, rooms, and the busy intervals of practitioners, rooms and the patient), turns the
rows into the engine's frozen values and calls ``free_slots``; nothing is computed in SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from mesoclinic.accounts.access import Capability, check_site, require, site_ids
from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.availability import model as engine
from mesoclinic.availability.intervals import Busy, Interval
from mesoclinic.availability.model import (
    LocalInterval,
    WeeklyHours,
)
from mesoclinic.availability.slots import free_slots
from mesoclinic.core.errors import Invalid, NotFound
from mesoclinic.scheduling.models import (
    HOLDING,
    MAX_HELD,
    Appointment,
    Room,
    Service,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

PRESCRIBER = "prescriber"
MAX_WINDOW_DAYS = 92
DAY = dt.timedelta(days=1)
# Busy rows are read this far beyond the window's local dates: zone offsets, buffers and slots
# that run across midnight all fit inside it.
MARGIN = dt.timedelta(days=2)


def site_zone(site: Site) -> ZoneInfo:
    return site.zone


def service_get(code: str) -> Service:
    """The active service with ``code``; ``Invalid`` naming the code otherwise."""
    service = Service.objects.filter(code=code, active=True).first()
    if service is None:
        raise Invalid({"service": [f"service: no active service with code “{code[:40]}”."]})
    return service


def site_get_for_user(user: User, site_id: int) -> Site:
    """One of the user's sites, or ``NotFound`` (audited) for any other."""
    site = Site.objects.filter(pk=site_id, pk__in=site_ids(user)).first()
    if site is None:
        audit_denied(reason="other_site", object_type="site", object_id=site_id)
        raise NotFound("No such site.")
    return site


def practitioners_at(site: Site) -> QuerySet[User]:
    """The active practitioners who work at ``site``, by id."""
    return User.objects.filter(role=Role.PRACTITIONER, is_active=True, sites=site).order_by("pk")


def qualifications(practitioner: User) -> frozenset[str]:
    return frozenset({PRESCRIBER}) if practitioner.is_prescriber else frozenset()


def engine_service(service: Service) -> engine.Service:
    return engine.Service(
        duration=service.duration,
        buffer_before=service.buffer_before,
        buffer_after=service.buffer_after,
        room_type=service.room_type or None,
        qualification=PRESCRIBER if service.needs_prescriber else None,
    )


def holding() -> Q:
    """Appointments that hold their time (overbookings included: they are real time too)."""
    return Q(status__in=HOLDING)


@dataclass(frozen=True)
class Calendar:
    """One site's calendar for a window: the engine's values, ready for a query."""

    site: engine.Site
    practitioners: tuple[engine.Practitioner, ...]
    rooms: tuple[engine.Room, ...]
    patient_busy: Busy


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += DAY


def calendar_load(
    *,
    site: Site,
    practitioners: list[User],
    first_day: dt.date,
    last_day: dt.date,
    room_type: str = "",
    patient_id: int | None = None,
    with_busy: bool = True,
    busy_days: Sequence[tuple[dt.date, dt.date]] | None = None,
) -> Calendar:
    """The calendar of ``practitioners`` (and rooms of ``room_type``) at ``site`` for the dates.

    Queries: working hours, exceptions, rooms, the busy rows of practitioners and rooms
    together, the patient's busy: one each, whatever the window's length (rooms only for a room
    type, the patient's only for a patient, the practitioners' busy rows not without
    ``with_busy``). ``busy_days`` (inclusive ranges of local dates within the window) limits the
    busy rows to those days: a caller that will look only there (a course's sessions) reads
    fewer rows; the calendar holds no busy time elsewhere, so it must not be asked elsewhere.
    """
    zone = site_zone(site)
    first_day, last_day = first_day - DAY, last_day + DAY
    ids = [p.pk for p in practitioners]
    # The whole window is read with MARGIN beyond its padded dates (zone offsets, buffers and
    # slots across midnight); the days of a course's sessions with a day either side, which
    # covers a slot's buffers (at most 6 hours) on a day the engine looks at.
    if busy_days:
        when = _held_within(zone, busy_days, DAY)
    else:
        when = _held_within(zone, [(first_day, last_day - DAY)], MARGIN)

    hours: dict[int, list[WeeklyHours]] = defaultdict(list)
    for row in WorkingHours.objects.filter(site=site, practitioner_id__in=ids).filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=last_day),
        Q(effective_to__isnull=True) | Q(effective_to__gte=first_day),
    ):
        hours[row.practitioner_id].append(
            WeeklyHours(row.weekday, row.start, row.end, row.effective_from, row.effective_to)
        )

    holidays: set[dt.date] = set()
    extra: dict[int, list[LocalInterval]] = defaultdict(list)
    off: dict[int, list[LocalInterval]] = defaultdict(list)
    days_off: dict[int, list[dt.date]] = defaultdict(list)
    for exception in TimeOff.objects.filter(
        Q(practitioner_id__in=ids) | Q(practitioner__isnull=True),
        site=site,
        first_day__lte=last_day,
        last_day__gte=first_day,
    ):
        span = _days(max(exception.first_day, first_day), min(exception.last_day, last_day))
        who = exception.practitioner_id
        for day in span:
            if exception.kind == TimeOffKind.PUBLIC_HOLIDAY:
                holidays.add(day)
            elif who is None:
                continue
            elif exception.start is None or exception.end is None:
                days_off[who].append(day)  # whole days of leave (extra hours are always timed)
            elif exception.kind == TimeOffKind.EXTRA_HOURS:
                extra[who].append(LocalInterval(day, exception.start, exception.end))
            else:
                off[who].append(LocalInterval(day, exception.start, exception.end))

    room_rows = (
        list(
            Room.objects.filter(site=site, room_type=room_type, active=True).order_by("name", "pk")
        )
        if room_type
        else []
    )
    room_ids = {r.pk for r in room_rows}
    busy: dict[int, list[Interval]] = defaultdict(list)
    room_busy: dict[int, list[Interval]] = defaultdict(list)
    whose = Q(practitioner_id__in=ids) if with_busy else Q(pk__in=[])
    if room_ids:
        whose |= Q(room_id__in=room_ids)
    if with_busy or room_ids:
        # One query for both kinds: an appointment of a practitioner asked for in a room asked
        # for is read once and counted for both.
        window = holding() & when
        wanted = set(ids) if with_busy else set()
        rows = Appointment.objects.filter(window, whose).order_by()  # Busy.of sorts them
        for who, room_id, start, end in rows.values_list(
            "practitioner_id", "room_id", "held_from", "held_until"
        ):
            interval = Interval(start, end)
            if who in wanted:
                busy[who].append(interval)
            if room_id in room_ids:
                room_busy[room_id].append(interval)
    rooms = tuple(engine.Room(str(r.pk), r.room_type, Busy.of(room_busy[r.pk])) for r in room_rows)

    patient_busy = Busy()
    if patient_id is not None:
        patient_busy = Busy.of(
            Interval(start, end)
            for start, end in Appointment.objects.filter(holding(), when, patient_id=patient_id)
            .order_by()
            .values_list("start", "end")
        )

    return Calendar(
        site=engine.Site(site_zone(site).key, frozenset(holidays)),
        practitioners=tuple(
            engine.Practitioner(
                id=str(p.pk),
                qualifications=qualifications(p),
                hours=tuple(hours[p.pk]),
                extra_hours=tuple(extra[p.pk]),
                time_off=tuple(off[p.pk]),
                days_off=tuple(days_off[p.pk]),
                busy=Busy.of(busy[p.pk]),
            )
            for p in practitioners
        ),
        rooms=rooms,
        patient_busy=patient_busy,
    )


def _held_within(zone: ZoneInfo, days: Sequence[tuple[dt.date, dt.date]], pad: dt.timedelta) -> Q:
    """Appointments holding time on the local ``days`` (inclusive ranges, in order), each
    range read ``pad`` further either side. ``held_from`` is bounded below too (services hold
    at most ``MAX_HELD``), so a read scans only its part of the ``(resource, held_from)``
    indexes; several ranges are read as their envelope (what the index scans) filtered to the
    ranges (what reaches Python), since PostgreSQL plans an OR of ranges as a scan of
    every row of the resources."""
    spans = [
        (
            dt.datetime.combine(first, dt.time(0), zone) - pad,
            dt.datetime.combine(last + DAY, dt.time(0), zone) + pad,
        )
        for first, last in days
    ]
    envelope = Q(
        held_until__gt=spans[0][0],
        held_from__lt=spans[-1][1],
        held_from__gt=spans[0][0] - MAX_HELD,
    )
    if len(spans) == 1:
        return envelope
    within = Q(pk__in=[])
    for lo, hi in spans:
        within |= Q(held_until__gt=lo, held_from__lt=hi)
    return envelope & within


def window_check(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        raise Invalid({"to": [f"to: {last_day} is before from ({first_day})."]})
    if (last_day - first_day).days + 1 > MAX_WINDOW_DAYS:
        raise Invalid(
            {
                "to": [
                    f"to: at most {MAX_WINDOW_DAYS} days from “from” ({first_day}), "
                    f"got {last_day} ({(last_day - first_day).days + 1} days)."
                ]
            }
        )


def availability(
    user: User,
    *,
    service_code: str,
    site_id: int,
    first_day: dt.date,
    last_day: dt.date,
    practitioner_id: int | None = None,
) -> tuple[Site, tuple[engine.Slot, ...]]:
    """Free slots of the service at one of the user's sites, ``first_day`` to ``last_day``.

    Refuses a window of more than 92 days (``Invalid`` naming ``to``). Audited as one LIST.
    """
    require(user, Capability.BOOK, what="availability")
    site = site_get_for_user(user, site_id)
    window_check(first_day, last_day)
    service = service_get(service_code)
    staff = list(practitioners_at(site))
    if practitioner_id is not None:
        staff = [p for p in staff if p.pk == practitioner_id]
        if not staff:
            raise Invalid(
                {"practitioner": [f"practitioner: {practitioner_id} does not work at {site}."]}
            )
    calendar = calendar_load(
        site=site,
        practitioners=staff,
        first_day=first_day,
        last_day=last_day,
        room_type=service.room_type,
    )
    slots = free_slots(
        engine.SlotQuery(
            site=calendar.site,
            service=engine_service(service),
            practitioners=calendar.practitioners,
            first_day=first_day,
            last_day=last_day,
            rooms=calendar.rooms,
        )
    )
    audit_record(
        action=Action.LIST,
        object_type="availability",
        site_id=site.pk,
        detail={"service": service.code, "from": str(first_day), "to": str(last_day)},
    )
    return site, slots


def appointment_get_for_user(
    user: User, appointment_id: int, *, action: Action = Action.VIEW, audit: bool = True
) -> Appointment:
    """The appointment, if it is at one of the user's sites and their role books; the one
    accessor. Another site's, or none, is ``NotFound`` (404); both refusals are audited."""
    appointment = (
        Appointment.objects.select_related("site", "service", "practitioner", "room", "patient")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        audit_denied(
            reason="no_such_appointment", object_type="appointment", object_id=appointment_id
        )
        raise NotFound("No such appointment.")
    check_site(
        user,
        appointment.site_id,
        what="appointment",
        object_id=appointment.pk,
        patient_id=appointment.patient_id,
    )
    require(user, Capability.BOOK, what="appointment", patient_id=appointment.patient_id)
    if audit:
        audit_record(
            action=action,
            object_type="appointment",
            object_id=appointment.pk,
            patient_id=appointment.patient_id,
            site_id=appointment.site_id,
        )
    return appointment


@dataclass(frozen=True)
class AppointmentWindow:
    count: int
    appointments: list[Appointment]


def appointment_list(
    user: User,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    practitioner_id: int | None,
    limit: int,
    offset: int,
) -> AppointmentWindow:
    """The appointments of the user's sites that meet ``[start, end)``, by start. Audited."""
    require(user, Capability.BOOK, what="appointment")
    rows = Appointment.objects.filter(site_id__in=site_ids(user))
    if start is not None:
        rows = rows.filter(end__gt=start, start__gt=start - MAX_HELD)
    if end is not None:
        rows = rows.filter(start__lt=end)
    if practitioner_id is not None:
        rows = rows.filter(practitioner_id=practitioner_id)
    count = rows.count()
    page = list(
        rows.select_related("site", "service").order_by("start", "pk")[offset : offset + limit]
    )
    audit_record(
        action=Action.LIST,
        object_type="appointment",
        detail={"count": count, "ids": [a.pk for a in page][:100]},
    )
    return AppointmentWindow(count, page)


def service_list(user: User) -> list[Service]:
    """The active services, by name: what any member of staff who books may offer."""
    require(user, Capability.BOOK, what="service")
    return list(Service.objects.filter(active=True).order_by("name", "code"))


@dataclass(frozen=True)
class PractitionerRow:
    user: User
    sites: list[int]  # their sites among the caller's
    qualifications: frozenset[str]


def practitioner_list(user: User) -> list[PractitionerRow]:
    """The active practitioners of the user's sites, with their sites and qualifications.
    Two queries."""
    require(user, Capability.BOOK, what="practitioner")
    mine = site_ids(user)
    people = list(
        User.objects.filter(role=Role.PRACTITIONER, is_active=True, sites__in=mine)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    membership: dict[int, list[int]] = defaultdict(list)
    for who, where in User.sites.through.objects.filter(
        user_id__in=[p.pk for p in people], site_id__in=mine
    ).values_list("user_id", "site_id"):
        membership[who].append(where)
    return [PractitionerRow(p, membership[p.pk], qualifications(p)) for p in people]


def hours_version(rows: Sequence[WorkingHours]) -> int:
    """The version of a practitioner's week at a site: a fingerprint of its rows' contents,
    in 9 digits (an ETag of this API). The same hours give the same version, so saving the
    week a colleague saved identically loses nothing and is not refused."""
    text = "|".join(
        sorted(f"{r.weekday},{r.start},{r.end},{r.effective_from},{r.effective_to}" for r in rows)
    )
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**9


def working_hours_of(user: User, *, practitioner_id: int, site_id: int) -> list[WorkingHours]:
    """A practitioner's weekly hours at one of the user's sites."""
    require(user, Capability.BOOK, what="working_hours")
    site = site_get_for_user(user, site_id)
    if not practitioners_at(site).filter(pk=practitioner_id).exists():
        raise NotFound("No such practitioner.")
    return list(
        WorkingHours.objects.filter(practitioner_id=practitioner_id, site=site).order_by(
            "weekday", "start"
        )
    )
