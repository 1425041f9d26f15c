"""Display data of the staff diary: a site's day as a grid, its week as a table.

The day grid is an HTML table of five-minute rows: a column per practitioner (or per room),
each appointment a cell spanning the rows of the time it holds (``rowspan``), and the free time
between split at the quarter hours so that each quarter is one tap to book (decision 0034).
The page needs no script and no inline style, which the content security policy forbids.

Appointments that overlap in one column (a manager's overbooking) share one cell, one under
the other, so nothing is hidden. Working time is read through the availability engine, so the
shading says exactly what a booking would be checked against.

Every read is audited (LIST of object_type "diary", with the ids shown).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.availability.hours import working_spans
from mesoclinic.scheduling.models import HOLDING, MAX_HELD, Appointment, Room, Status
from mesoclinic.scheduling.selectors import calendar_load, practitioners_at

if TYPE_CHECKING:
    from collections.abc import Sequence
    from zoneinfo import ZoneInfo

    from mesoclinic.availability.intervals import Span

ROW = dt.timedelta(minutes=5)
QUARTER_ROWS = 3
DAY = dt.timedelta(days=1)
# The grid shows at least these hours, so that an empty day still reads as a clinic's day.
OPENS, CLOSES = 9, 17
DASH = "\u2013"  # an en dash between two times
PRACTITIONERS, ROOMS = "practitioners", "rooms"
# What the grid shows: every appointment that holds time, overbookings included (decision
# 0034), and no-shows, which say what happened at that time. Cancelled ones are in the list.
_SHOWN = frozenset({*HOLDING, Status.NO_SHOW})


@dataclass(frozen=True)
class Cell:
    """One cell of a column: ``block`` (appointments), ``free`` (working time) or ``closed``."""

    kind: str
    rows: int
    time: str  # local "HH:MM" of the cell's first row
    start: str  # local "YYYY-MM-DDTHH:MM", what the booking and move forms take
    appointments: tuple[Appointment, ...] = ()


@dataclass(frozen=True)
class Column:
    key: int
    title: str
    note: str  # the working time in words, or the room's type


@dataclass(frozen=True)
class Row:
    label: str  # the time on each quarter hour, else ""
    hour: bool
    cells: tuple[tuple[Column, Cell], ...]  # the cells that begin on this row


@dataclass(frozen=True)
class DiaryDay:
    site: Site
    day: dt.date
    view: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    agenda: tuple[Appointment, ...]  # the day's appointments by start, cancelled ones too
    everyone: bool  # a practitioner asked for every column, not only their own
    moving: Appointment | None = None


@dataclass(frozen=True)
class WeekRow:
    column: Column
    days: tuple[tuple[dt.date, bool, tuple[Appointment, ...]], ...]  # (day, working, appts)


@dataclass(frozen=True)
class DiaryWeek:
    site: Site
    monday: dt.date
    days: tuple[dt.date, ...]
    rows: tuple[WeekRow, ...]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)


def hhmm(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def span_words(spans: Sequence[Span], zone: ZoneInfo) -> str:
    """The spans as local times joined by an en dash, or "Not working"."""
    if not spans:
        return "Not working"
    return ", ".join(f"{hhmm(lo, zone)}{DASH}{hhmm(hi, zone)}" for lo, hi in spans)


def diary_sites(user: User) -> list[Site]:
    """The sites whose diary the user may open, by name."""
    require(user, Capability.BOOK, what="diary")
    return list(Site.objects.filter(pk__in=site_ids(user)).order_by("name"))


def _day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(day, dt.time(0), zone),
        dt.datetime.combine(day + DAY, dt.time(0), zone),
    )


def _minutes(moment: dt.datetime, day: dt.date, zone: ZoneInfo) -> int:
    """Wall-clock minutes since the day's local midnight (0 before the day, 1440 after)."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _grid_hours(
    spans: Sequence[Sequence[Span]],
    appointments: Sequence[Appointment],
    day: dt.date,
    zone: ZoneInfo,
) -> tuple[int, int]:
    """The first and last hour the grid shows: the day's working time and appointments, and
    never less than OPENS to CLOSES."""
    first, last = OPENS * 60, CLOSES * 60
    for column in spans:
        for lo, hi in column:
            first = min(first, _minutes(lo, day, zone))
            last = max(last, _minutes(hi, day, zone))
    for appointment in appointments:
        first = min(first, _minutes(appointment.held_from, day, zone))
        last = max(last, _minutes(appointment.held_until, day, zone))
    return first // 60, min(24, -(-last // 60))


def _row_instants(day: dt.date, first_hour: int, rows: int, zone: ZoneInfo) -> list[dt.datetime]:
    """Each row's local wall-clock start, as an aware instant (naive arithmetic, then the
    zone, so the rows stay on the wall clock across a change of offset)."""
    base = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=first_hour)
    return [(base + ROW * i).replace(tzinfo=zone) for i in range(rows)]


def _clusters(
    appointments: Sequence[Appointment], instants: Sequence[dt.datetime]
) -> list[tuple[int, int, list[Appointment]]]:
    """(first row, end row, appointments) of the column, overlapping ones together."""
    n = len(instants)
    end_of_grid = instants[-1] + ROW
    placed: list[tuple[int, int, list[Appointment]]] = []
    for appointment in sorted(appointments, key=lambda a: (a.held_from, a.pk)):
        if appointment.held_until <= instants[0] or appointment.held_from >= end_of_grid:
            continue
        top = bisect_right(instants, appointment.held_from) - 1
        bottom = bisect_left(instants, appointment.held_until)
        top, bottom = max(top, 0), min(max(bottom, top + 1), n)
        if placed and top < placed[-1][1]:
            first, end, group = placed[-1]
            placed[-1] = (first, max(end, bottom), [*group, appointment])
        else:
            placed.append((top, bottom, [appointment]))
    return placed


def _column_cells(
    clusters: list[tuple[int, int, list[Appointment]]],
    instants: Sequence[dt.datetime],
    spans: Sequence[Span] | None,
    zone: ZoneInfo,
) -> dict[int, Cell]:
    """The cells of one column keyed by the row they begin on. ``spans`` None: no working
    time to shade (a room), every empty row is free."""

    def working(i: int) -> bool:
        if spans is None:
            return True
        t = instants[i]
        return any(lo <= t and t + ROW <= hi for lo, hi in spans)

    def cell(kind: str, i: int, rows: int, group: tuple[Appointment, ...] = ()) -> Cell:
        local = instants[i].astimezone(zone)
        return Cell(kind, rows, local.strftime("%H:%M"), local.strftime("%Y-%m-%dT%H:%M"), group)

    starts = {first: (end, group) for first, end, group in clusters}
    cells: dict[int, Cell] = {}
    n, i = len(instants), 0
    while i < n:
        if i in starts:
            end, group = starts[i]
            cells[i] = cell("block", i, end - i, tuple(group))
            i = end
            continue
        state = working(i)
        j = i + 1
        while j < n and j not in starts and working(j) == state:
            if state and j % QUARTER_ROWS == 0:
                break  # free time is one cell per quarter hour: one tap books it
            j += 1
        cells[i] = cell("free" if state else "closed", i, j - i)
        i = j
    return cells


def diary_day(
    user: User,
    *,
    site: Site,
    day: dt.date,
    view: str = PRACTITIONERS,
    everyone: bool = False,
    moving: Appointment | None = None,
) -> DiaryDay:
    """The site's day for the diary page. A practitioner sees their own column alone unless
    ``everyone``. ``site`` must be one of the user's (``site_get_for_user``).

    Queries: practitioners, working hours, exceptions (the calendar's, without its busy rows:
    the day's appointments are read here), rooms (room view), the day's appointments with site,
    patient, service, practitioner and room, and the audit INSERT: six, whatever the number of
    columns or appointments.
    """
    require(user, Capability.BOOK, what="diary")
    zone = site.zone
    lo, hi = _day_bounds(day, zone)
    appointments = list(
        Appointment.objects.filter(site=site, start__lt=hi, end__gt=lo, start__gt=lo - MAX_HELD)
        .select_related("site", "patient", "service", "practitioner", "room")
        .order_by("start", "pk")
    )
    people = list(practitioners_at(site).order_by("last_name", "first_name", "pk"))
    if user.role == Role.PRACTITIONER and not everyone and any(p.pk == user.pk for p in people):
        people = [p for p in people if p.pk == user.pk]
    shown = [a for a in appointments if a.status in _SHOWN]

    columns: list[Column] = []
    column_spans: list[Sequence[Span] | None] = []
    column_appointments: list[list[Appointment]] = []
    if view == ROOMS:
        rooms = list(Room.objects.filter(site=site, active=True).order_by("name", "pk"))
        for room in rooms:
            columns.append(Column(room.pk, room.name, room.room_type.replace("-", " ")))
            column_spans.append(None)
            column_appointments.append([a for a in shown if a.room_id == room.pk])
    else:
        calendar = calendar_load(
            site=site, practitioners=people, first_day=day, last_day=day, with_busy=False
        )
        for person, engine_person in zip(people, calendar.practitioners, strict=True):
            spans = [
                (max(a, lo), min(b, hi))
                for a, b in working_spans(engine_person, calendar.site, zone, day, day)
                if a < hi and b > lo
            ]
            columns.append(Column(person.pk, str(person), span_words(spans, zone)))
            column_spans.append(spans)
            column_appointments.append([a for a in shown if a.practitioner_id == person.pk])

    first_hour, last_hour = _grid_hours(
        [s for s in column_spans if s is not None], shown, day, zone
    )
    instants = _row_instants(day, first_hour, (last_hour - first_hour) * 12, zone)
    by_column = [
        _column_cells(_clusters(mine, instants), instants, spans, zone)
        for mine, spans in zip(column_appointments, column_spans, strict=True)
    ]
    rows = []
    for i, instant in enumerate(instants):
        local = instant.astimezone(zone)
        label = local.strftime("%H:%M") if i % QUARTER_ROWS == 0 else ""
        cells = tuple(
            (column, cells[i])
            for column, cells in zip(columns, by_column, strict=True)
            if i in cells
        )
        rows.append(Row(label, local.minute == 0, cells))

    audit_record(
        action=Action.LIST,
        object_type="diary",
        site_id=site.pk,
        detail={"day": day.isoformat(), "view": view, "ids": [a.pk for a in appointments][:200]},
    )
    return DiaryDay(
        site, day, view, tuple(columns), tuple(rows), tuple(appointments), everyone, moving
    )


def diary_week(user: User, *, site: Site, monday: dt.date) -> DiaryWeek:
    """The site's week from ``monday``: a row per practitioner, each day's appointments that
    hold time and whether they work that day. Queries as ``diary_day``'s."""
    require(user, Capability.BOOK, what="diary")
    zone = site.zone
    days = tuple(monday + DAY * i for i in range(7))
    lo, _ = _day_bounds(days[0], zone)
    _, hi = _day_bounds(days[-1], zone)
    people = list(practitioners_at(site).order_by("last_name", "first_name", "pk"))
    appointments = [
        a
        for a in Appointment.objects.filter(
            site=site, start__lt=hi, end__gt=lo, start__gt=lo - MAX_HELD
        )
        .select_related("site", "patient", "service")
        .order_by("start", "pk")
        if a.status in _SHOWN
    ]
    calendar = calendar_load(
        site=site, practitioners=people, first_day=days[0], last_day=days[-1], with_busy=False
    )
    rows = []
    for person, engine_person in zip(people, calendar.practitioners, strict=True):
        cells = []
        for day in days:
            spans = working_spans(engine_person, calendar.site, zone, day, day)
            mine = tuple(
                a
                for a in appointments
                if a.practitioner_id == person.pk and a.start.astimezone(zone).date() == day
            )
            cells.append((day, bool(spans), mine))
        rows.append(WeekRow(Column(person.pk, str(person), ""), tuple(cells)))
    audit_record(
        action=Action.LIST,
        object_type="diary",
        site_id=site.pk,
        detail={"week": monday.isoformat(), "ids": [a.pk for a in appointments][:200]},
    )
    return DiaryWeek(site, monday, days, tuple(rows), calendar.site.public_holidays)


def appointments_of_patient(user: User, *, patient_id: int) -> list[Appointment]:
    """The patient's appointments, latest first, at the user's sites. Audited as a LIST.
    Call it with a patient from ``patient_get_for_user`` (the site and role are checked)."""
    require(user, Capability.BOOK, what="appointment", patient_id=patient_id)
    rows = list(
        Appointment.objects.filter(site_id__in=site_ids(user), patient_id=patient_id)
        .select_related("service", "practitioner", "room", "site")
        .order_by("-start", "-pk")
    )
    audit_record(
        action=Action.LIST,
        object_type="appointment",
        patient_id=patient_id,
        detail={"ids": [a.pk for a in rows][:200]},
    )
    return rows
