"""The demo clinic's diary: rooms, services, working hours, exceptions and appointments.

Made through the scheduling services, acting as the site's manager (services, hours,
exceptions) and receptionist (bookings and their statuses), so the diary is audited and checked
exactly as one a clinic makes by hand. Every date and time is relative to "today" in the site's
zone, so the demo's diary is always current: a few days of history, today fairly full, and
the coming three weeks lighter. The random choices come from the caller's seeded ``rng``.

Single appointments are laid out in memory against the practitioners' working time (read back
through the availability engine, holidays and leave included) and what is already booked, so
that every booking the services are asked for fits: no booking is tried and refused.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.availability.hours import working_spans
from mesoclinic.consultations.models import Status as ConsultationStatus
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, StoredPlan
from mesoclinic.scheduling.models import Appointment, Room, Service, Status, TimeOffKind
from mesoclinic.scheduling.selectors import calendar_load, holding
from mesoclinic.scheduling.services import (
    HoursIn,
    SessionUnplaced,
    appointment_book,
    appointment_cancel,
    appointment_set_status,
    course_book,
    service_save,
    time_off_add,
    working_hours_set,
)

MINUTE = dt.timedelta(minutes=1)
CONSULTATION, MESOTHERAPY, MESOTHERAPY_PRESCRIBED, REVIEW = (
    "consultation",
    "mesotherapy",
    "mesotherapy_prescribed",
    "review",
)


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    patient_facing_name: str  # shown on public pages: no prescription-only medicine named
    minutes: int
    room_type: str
    before: int = 0
    after: int = 0
    needs_prescriber: bool = False


SERVICES = (
    ServiceSpec(CONSULTATION, "Consultation", "Consultation", 30, "consultation"),
    ServiceSpec(MESOTHERAPY, "Mesotherapy session", "Mesotherapy session", 45, "treatment", 5, 15),
    # A session with a prescription-only product (a signed plan) is given by a prescriber.
    ServiceSpec(
        MESOTHERAPY_PRESCRIBED,
        "Mesotherapy session, prescription-only product",
        "Mesotherapy session with a doctor",
        45,
        "treatment",
        5,
        15,
        needs_prescriber=True,
    ),
    # Reviews look at the treated skin, so they are held in a treatment room.
    ServiceSpec(REVIEW, "Review", "Review appointment", 20, "treatment"),
)
ROOMS = (
    ("Consultation room", "consultation"),
    ("Treatment room 1", "treatment"),
    ("Treatment room 2", "treatment"),
)
DAY_START, DAY_END, LATE_END, SATURDAY_END = dt.time(9), dt.time(17, 30), dt.time(20), dt.time(13)
THURSDAY, SATURDAY = 3, 5

PAST_DAYS = 4  # history: completed, no-show and cancelled appointments
AHEAD_DAYS = 21  # the coming three weeks
COURSES = 3  # courses booked per site, from the patients' stored plans
# The chance that a free moment of a practitioner's day gets a single appointment.
LOAD_TODAY, LOAD_OTHER_DAYS = 0.7, 0.08
IDLE = dt.timedelta(minutes=30)  # how far the day moves on when a moment stays free

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class DiaryTeam:
    """The staff of one site that the diary needs: who sets it up, books, and treats."""

    manager: User
    reception: User
    doctor: User  # a prescriber, who also works late on Thursdays
    nurse: User  # works Saturday mornings where the site opens then


@dataclass
class _Booked:
    """What is already held, per practitioner, room and patient (ids), as UTC spans."""

    by: dict[tuple[str, int], list[Span]] = field(default_factory=lambda: defaultdict(list))

    def free(self, what: str, pk: int, span: Span) -> bool:
        return all(span[1] <= lo or hi <= span[0] for lo, hi in self.by[what, pk])

    def hold(self, what: str, pk: int, span: Span) -> None:
        self.by[what, pk].append(span)


def diary_seed(*, site: Site, team: DiaryTeam, rng: random.Random, saturdays: bool) -> None:
    """Give ``site`` its diary: rooms, hours, exceptions, courses and single appointments.

    The services are the clinic's, shared by the sites: made by the first call, left alone by
    the next. Costs a booking (a short transaction and an audit row) per appointment, about 75
    per site, and one or two status changes per past appointment.
    """
    zone = site.zone
    now = timezone.now()
    today = now.astimezone(zone).date()
    with acting_as(team.manager):
        _services(team.manager)
        rooms = _rooms(site)
        _hours(site, team, saturdays=saturdays)
        _exceptions(site, team, today)
    with acting_as(team.reception):
        _courses(site, team, rng, today)
        booked = _singles(site, team, rng, today, rooms)
        _statuses(site, team.reception, booked, now)


def _services(manager: User) -> None:
    known = set(Service.objects.values_list("code", flat=True))
    for spec in SERVICES:
        if spec.code in known:
            continue
        service_save(
            actor=manager,
            code=spec.code,
            name=spec.name,
            patient_facing_name=spec.patient_facing_name,
            duration=spec.minutes * MINUTE,
            buffer_before=spec.before * MINUTE,
            buffer_after=spec.after * MINUTE,
            room_type=spec.room_type,
            needs_prescriber=spec.needs_prescriber,
        )


def _rooms(site: Site) -> dict[str, list[int]]:
    # No room service exists yet: rooms are plain rows, as the admin makes them.
    rooms: dict[str, list[int]] = defaultdict(list)
    for name, room_type in ROOMS:
        rooms[room_type].append(Room.objects.create(site=site, name=name, room_type=room_type).pk)
    return rooms


def _hours(site: Site, team: DiaryTeam, *, saturdays: bool) -> None:
    weekdays = [HoursIn(day, DAY_START, DAY_END) for day in range(5)]
    doctor = [
        row if row.weekday != THURSDAY else HoursIn(THURSDAY, DAY_START, LATE_END)
        for row in weekdays
    ]
    nurse = weekdays + ([HoursIn(SATURDAY, DAY_START, SATURDAY_END)] if saturdays else [])
    for practitioner, hours in ((team.doctor, doctor), (team.nurse, nurse)):
        working_hours_set(
            actor=team.manager, practitioner_id=practitioner.pk, site_id=site.pk, hours=hours
        )


def _exceptions(site: Site, team: DiaryTeam, today: dt.date) -> None:
    # The Christmas nearest today: this December's from July on, last December's before.
    year = today.year if today.month >= 7 else today.year - 1
    for first, last, note in (
        (dt.date(year, 12, 25), dt.date(year, 12, 26), "Christmas Day and Boxing Day"),
        (dt.date(year + 1, 1, 1), dt.date(year + 1, 1, 1), "New Year's Day"),
    ):
        time_off_add(
            actor=team.manager,
            site_id=site.pk,
            kind=TimeOffKind.PUBLIC_HOLIDAY,
            first_day=first,
            last_day=last,
            note=note,
        )
    # The nurse's week of leave, the week after next (inside the three weeks shown).
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=2)
    time_off_add(
        actor=team.manager,
        site_id=site.pk,
        kind=TimeOffKind.LEAVE,
        practitioner_id=team.nurse.pk,
        first_day=monday,
        last_day=monday + dt.timedelta(days=4),
        note="Annual leave",
    )


def _bookable(plan: StoredPlan) -> dict[str, Any] | None:
    """The plan's first course that states a number of sessions and an interval, or None."""
    for course in plan.current.get("courses") or []:
        if isinstance(course.get("sessions"), int) and isinstance(course.get("interval_days"), int):
            return dict(course)
    return None


def _courses(site: Site, team: DiaryTeam, rng: random.Random, today: dt.date) -> None:
    """Book courses from plans a clinic would act on: completed consultation, a course in
    the plan, suitable, and signed where it needs a prescriber."""
    plans = list(
        StoredPlan.objects.filter(
            consultation__patient__site=site,
            consultation__status=ConsultationStatus.COMPLETED,
            # Consulted before the earliest first session below.
            consultation__held_at__date__lt=today - dt.timedelta(days=14),
            status__in=[PlanStatus.READY, PlanStatus.SIGNED],
        ).select_related("consultation")
    )
    # Only courses whose plan states both the sessions and the interval: where the evidence
    # leaves them "not established" the clinician decides, and the demo invents no figure.
    plans = [
        plan
        for plan in plans
        if _bookable(plan) is not None
        and plan.current.get("verdict") in {"suitable", "suitable_with_cautions"}
    ]
    plans.sort(key=lambda plan: plan.pk)
    # One course under way (started a fortnight ago), one starting today, one next week.
    starts = ((-14, dt.time(10)), (0, dt.time(11, 30)), (6, dt.time(14)))
    for plan, (offset, at) in zip(
        rng.sample(plans, min(COURSES, len(plans))), starts, strict=False
    ):
        course = _bookable(plan)
        assert course is not None  # noqa: S101 - filtered above
        prescribed = plan.status == PlanStatus.SIGNED
        named = (team.doctor if prescribed else team.nurse).pk
        # Named first (the patient's usual practitioner gives every session); when leave or a
        # holiday leaves a session no time, the same practitioner preferred, then anyone who
        # may give it; a course that still does not fit is left out: the demo must seed.
        for practitioner_id in (named, None):
            try:
                course_book(
                    actor=team.reception,
                    patient_id=plan.consultation.patient_id,
                    service_code=MESOTHERAPY_PRESCRIBED if prescribed else MESOTHERAPY,
                    sessions=course["sessions"],
                    interval_days=course["interval_days"],
                    tolerance_days=3,
                    first_start=dt.datetime.combine(
                        today + dt.timedelta(days=offset), at, site.zone
                    ),
                    practitioner_id=practitioner_id,
                    plan_id=plan.pk,
                )
            except SessionUnplaced:
                continue
            break


def _singles(
    site: Site,
    team: DiaryTeam,
    rng: random.Random,
    today: dt.date,
    rooms: dict[str, list[int]],
) -> list[Appointment]:
    """Consultations and reviews in the free time of each practitioner's working days."""
    first, last = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    practitioners = [team.doctor, team.nurse]
    calendar = calendar_load(site=site, practitioners=practitioners, first_day=first, last_day=last)
    booked = _Booked()
    for appointment in Appointment.objects.filter(holding(), site=site):
        held = (appointment.held_from, appointment.held_until)
        booked.hold("practitioner", appointment.practitioner_id, held)
        if appointment.room_id is not None:
            booked.hold("room", appointment.room_id, held)
        booked.hold("patient", appointment.patient_id, (appointment.start, appointment.end))
    services = {s.code: s for s in Service.objects.filter(code__in=[CONSULTATION, REVIEW])}
    patients = list(Patient.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))
    consulted = list(
        Patient.objects.filter(site=site, consultations__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    worked = {
        practitioner: working_spans(hours, calendar.site, site.zone, first, last)
        for practitioner, hours in zip(practitioners, calendar.practitioners, strict=True)
    }
    # Today is the full day; on a day the site is closed, the next day it opens instead.
    full_day = min(
        (day for spans in worked.values() for lo, _ in spans if (day := _day(lo, site)) >= today),
        default=today,
    )
    made: list[Appointment] = []
    for practitioner, spans in worked.items():
        for lo, hi in spans:
            load = LOAD_TODAY if _day(lo, site) == full_day else LOAD_OTHER_DAYS
            cursor = lo
            while cursor < hi:
                if rng.random() >= load:
                    cursor += IDLE
                    continue
                service = services[rng.choice((CONSULTATION, CONSULTATION, REVIEW))]
                span = (cursor, cursor + service.duration)
                room = next(
                    (r for r in rooms[service.room_type] if booked.free("room", r, span)), None
                )
                # Reviews are for patients already seen; a few tries for one free then.
                pool = consulted if service.code == REVIEW else patients
                patient = next(
                    (
                        p
                        for p in rng.sample(pool, min(5, len(pool)))
                        if booked.free("patient", p, span)
                    ),
                    None,
                )
                if (
                    span[1] > hi
                    or room is None
                    or patient is None
                    or not booked.free("practitioner", practitioner.pk, span)
                ):
                    cursor += 10 * MINUTE
                    continue
                made.append(
                    appointment_book(
                        actor=team.reception,
                        patient_id=patient,
                        service_code=service.code,
                        practitioner_id=practitioner.pk,
                        start=cursor,
                        room_id=room,
                    )
                )
                for what, pk in (
                    ("practitioner", practitioner.pk),
                    ("room", room),
                    ("patient", patient),
                ):
                    booked.hold(what, pk, span)
                cursor = span[1]
    return made


def _day(moment: dt.datetime, site: Site) -> dt.date:
    return moment.astimezone(site.zone).date()


def _statuses(site: Site, reception: User, singles: list[Appointment], now: dt.datetime) -> None:
    """Move what has happened on: the past course sessions completed, the past single
    appointments completed but for every eighth a no-show and every eighth a cancellation (a
    fixed share, so that every demo shows each), and one in twenty future bookings cancelled."""
    sessions = Appointment.objects.filter(
        site=site, course__isnull=False, start__lt=now, status=Status.CONFIRMED
    )
    past = [a for a in singles if a.start < now]
    future = [a for a in singles if a.start >= now]
    for appointment in future[10::20]:
        appointment_cancel(
            actor=reception,
            appointment_id=appointment.pk,
            reason="The patient rang to cancel; will call back to rebook.",
        )
    for index, appointment in enumerate([*past, *sessions]):
        single = index < len(past)
        if single and index % 8 == 3:
            appointment_set_status(
                actor=reception, appointment_id=appointment.pk, status=Status.NO_SHOW
            )
        elif single and index % 8 == 6:
            appointment_cancel(
                actor=reception,
                appointment_id=appointment.pk,
                reason="Cancelled on the day by the patient (unwell).",
            )
        else:
            appointment_set_status(
                actor=reception, appointment_id=appointment.pk, status=Status.ARRIVED
            )
            if appointment.end <= now:  # under way now: the patient stays arrived
                appointment_set_status(
                    actor=reception, appointment_id=appointment.pk, status=Status.COMPLETED
                )
