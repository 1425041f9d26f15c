"""The demo clinic's diary: current, made of courses and single bookings, and consistent.

The clock is fixed on a Thursday a week before Christmas, so the coming three weeks hold the
bank holidays and the nurse's week of leave, and the checks below cover them. The checks of
overlap and working hours are written out here from the rows, not through the engine that
booked them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest
import time_machine
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.conftest import PASSWORD
from mesoclinic.demo.clinic import demo_clinic_seed
from mesoclinic.demo.diary import SERVICES, DiaryTeam, diary_seed
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import (
    HOLDING,
    Appointment,
    Course,
    Room,
    Service,
    Status,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from mesoclinic.scheduling.services import prescription_only_named

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 17, 10, 30, tzinfo=dt.UTC)  # a Thursday; London is on UTC


@pytest.fixture
def seeded(settings: Settings, tmp_path: Path) -> list[Site]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(NOW, tick=False):
        demo_clinic_seed(password="demo-password-for-tests")  # noqa: S106 - test value
    return list(Site.objects.order_by("code"))


def _local_day(moment: dt.datetime, site: Site) -> dt.date:
    return moment.astimezone(site.zone).date()


def test_it_books_today_the_coming_weeks_and_courses_from_plans_at_each_site(
    seeded: list[Site],
) -> None:
    assert [site.code for site in seeded] == ["leeds", "marylebone"]
    for site in seeded:
        today = _local_day(NOW, site)
        rows = list(Appointment.objects.filter(site=site))
        days: dict[dt.date, int] = defaultdict(int)
        for appointment in rows:
            days[_local_day(appointment.start, site)] += 1
        assert days[today] >= 10, f"{site.code}: today has {days[today]} appointments"
        for week in range(3):
            first = today + dt.timedelta(days=1 + 7 * week)
            booked = sum(days[first + dt.timedelta(days=n)] for n in range(7))
            assert booked > 0, f"{site.code}: nothing in the week from {first}"
        assert {room.room_type for room in Room.objects.filter(site=site)} == {
            "consultation",
            "treatment",
        }
        assert Room.objects.filter(site=site).count() == 3

        courses = list(Course.objects.filter(patient__site=site).select_related("plan"))
        assert courses, f"{site.code}: no course"
        for course in courses:
            assert course.plan is not None
            assert course.plan.consultation.patient_id == course.patient_id
            planned = course.plan.current["courses"][0]
            sessions = course.appointments.order_by("start")
            assert sessions.count() == (planned["sessions"] or 3)
            assert all(a.service_id == course.service_id for a in sessions)

    # What has happened was moved on: no past booking is left merely confirmed.
    past = Appointment.objects.filter(end__lte=NOW)
    assert {a.status for a in past} == {Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED}
    assert not Appointment.objects.filter(start__gt=NOW, status=Status.COMPLETED).exists()
    assert Appointment.objects.filter(course__isnull=False, status=Status.COMPLETED).exists()


def test_its_services_name_no_prescription_only_medicine_to_patients() -> None:
    # The services' definitions alone: no seed needed.
    assert {spec.code for spec in SERVICES} >= {"consultation", "mesotherapy", "review"}
    for spec in SERVICES:
        assert prescription_only_named(spec.patient_facing_name) == [], spec.code
    minutes = {spec.code: spec.minutes for spec in SERVICES}
    assert (minutes["consultation"], minutes["mesotherapy"], minutes["review"]) == (30, 45, 20)


def _overlapping(spans: Iterable[tuple[dt.datetime, dt.datetime, int]]) -> list[tuple[int, int]]:
    ordered = sorted(spans)
    return [(a[2], b[2]) for a, b in itertools.pairwise(ordered) if b[0] < a[1]]


def test_it_never_overlaps_and_books_only_inside_working_hours(seeded: list[Site]) -> None:
    assert Service.objects.get(code="mesotherapy_prescribed").needs_prescriber
    for site in seeded:
        rows = list(Appointment.objects.filter(site=site).select_related("practitioner"))
        assert len(rows) > 40
        holding = [a for a in rows if a.status in HOLDING and not a.overbook_reason]
        actor: dict[tuple[str, int | None], list[tuple[dt.datetime, dt.datetime, int]]]
        actor = defaultdict(list)
        for a in holding:
            actor["practitioner", a.practitioner_id].append((a.held_from, a.held_until, a.pk))
            actor["room", a.room_id].append((a.held_from, a.held_until, a.pk))
            actor["patient", a.patient_id].append((a.start, a.end, a.pk))
        for key, spans in actor.items():
            assert _overlapping(spans) == [], f"{site.code}: {key} double booked"

        hours = {
            (h.practitioner_id, h.weekday): (h.start, h.end)
            for h in WorkingHours.objects.filter(site=site)
        }
        off = list(TimeOff.objects.filter(site=site))
        assert {t.kind for t in off} == {TimeOffKind.PUBLIC_HOLIDAY, TimeOffKind.LEAVE}
        for a in rows:
            held_from, held_until = (m.astimezone(site.zone) for m in (a.held_from, a.held_until))
            day = held_from.date()
            worked = hours.get((a.practitioner_id, day.weekday()))
            assert worked is not None, f"{a}: {day:%A} is not worked"
            assert held_until.date() == day
            assert worked[0] <= held_from.time(), a
            assert held_until.time() <= worked[1], a
            assert not [
                t
                for t in off
                if t.first_day <= day <= t.last_day
                and t.practitioner_id in (None, a.practitioner_id)
            ], f"{a}: on a holiday or leave"
            if a.service.needs_prescriber:
                assert a.practitioner.is_prescriber


SUNDAY = dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC)


@time_machine.travel(SUNDAY, tick=False)
def test_it_fills_the_next_open_day_when_today_the_site_is_closed(
    site_a: Site, manager_a: User, practitioner_a: User, receptionist_a: User
) -> None:
    # A small site of its own (no plans, so no courses and no reviews), cheaper than the demo.
    nurse = staff_create(
        username="nina_nurse", password=PASSWORD, role=Role.PRACTITIONER, sites=[site_a]
    )
    for n in range(6):
        Patient.objects.create(
            site=site_a,
            given_name=f"Patient{n}",
            family_name="Diary",
            date_of_birth=dt.date(1980 + n, 1, 1),
            sex="female",
        )
    team = DiaryTeam(
        manager=manager_a, reception=receptionist_a, doctor=practitioner_a, nurse=nurse
    )
    diary_seed(site=site_a, team=team, rng=random.Random(7), saturdays=False)  # noqa: S311

    days: dict[dt.date, int] = defaultdict(int)
    for appointment in Appointment.objects.filter(site=site_a):
        days[_local_day(appointment.start, site_a)] += 1
    sunday = SUNDAY.date()
    assert days[sunday] == 0
    assert days[sunday + dt.timedelta(days=1)] >= 10
    assert max(days.values()) == days[sunday + dt.timedelta(days=1)]
    assert not Course.objects.exists()
