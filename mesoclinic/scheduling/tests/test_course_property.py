"""Random calendars and courses: a course is booked whole or not at all, and never overlaps."""

from __future__ import annotations

import contextlib
import datetime as dt
from itertools import combinations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.availability.course import place_course
from mesoclinic.availability.model import CoursePlacement, CourseQuery, SlotQuery
from mesoclinic.core.errors import Conflict
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import HOLDING, Appointment, Course, Room, Service, TimeOff
from mesoclinic.scheduling.placement import course_placement
from mesoclinic.scheduling.selectors import calendar_load, engine_service
from mesoclinic.scheduling.services import SessionUnplaced, appointment_book, course_book
from mesoclinic.scheduling.tests.conftest import MONDAY, at, give_hours

pytestmark = pytest.mark.usefixtures("diary")

bookings = st.lists(
    st.tuples(st.integers(0, 40), st.integers(9, 16), st.sampled_from([0, 15, 30, 45])),
    max_size=25,
)
leave = st.lists(st.integers(0, 40), max_size=6)


def _overlaps(rows: list[Appointment]) -> int:
    count = 0
    for a, b in combinations(rows, 2):
        held = a.held_from < b.held_until and b.held_from < a.held_until
        same_room = a.room_id is not None and a.room_id == b.room_id
        same_patient = a.patient_id == b.patient_id and a.start < b.end and b.start < a.end
        if (held and (a.practitioner_id == b.practitioner_id or same_room)) or same_patient:
            count += 1
    return count


class _Rollback(Exception):
    pass


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    taken=bookings,
    days_off=leave,
    sessions=st.integers(1, 6),
    interval=st.integers(1, 14),
    tolerance=st.integers(0, 3),
    hour=st.integers(8, 17),
)
def test_a_course_is_whole_or_nothing_and_never_overlaps(
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
    taken: list[tuple[int, int, int]],
    days_off: list[int],
    sessions: int,
    interval: int,
    tolerance: int,
    hour: int,
) -> None:
    try:
        with transaction.atomic(), acting_as(receptionist_a):
            other = Patient.objects.create(
                site=site_a, given_name="Busy", family_name="Bee", date_of_birth=dt.date(1985, 1, 1)
            )
            for day in days_off:
                TimeOff.objects.create(
                    site=site_a,
                    practitioner=practitioner_a,
                    kind="leave",
                    first_day=MONDAY + dt.timedelta(days=day),
                    last_day=MONDAY + dt.timedelta(days=day),
                )
            for day, h, minute in taken:
                # Some of these are the course's own patient, some someone else.
                who = patient_a if (day + h) % 3 == 0 else other
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=who.pk,
                        service_code="skin_booster",
                        practitioner_id=practitioner_a.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h, minute),
                    )
            before = Appointment.objects.count()
            unplaced: SessionUnplaced | None = None
            try:
                course: Course | None = course_book(
                    actor=receptionist_a,
                    patient_id=patient_a.pk,
                    service_code="skin_booster",
                    sessions=sessions,
                    interval_days=interval,
                    tolerance_days=tolerance,
                    first_start=at(MONDAY, hour),
                )
            except SessionUnplaced as error:
                course, unplaced = None, error
            if unplaced is not None:
                assert 1 <= unplaced.session <= sessions
                assert Appointment.objects.count() == before
                assert not Course.objects.exists()
            else:
                assert course is not None
                assert course.appointments.count() == sessions
                assert Appointment.objects.count() == before + sessions
            assert _overlaps(list(Appointment.objects.filter(status__in=HOLDING))) == 0
            raise _Rollback
    except _Rollback:
        pass


room_bookings = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.integers(9, 16),
        st.sampled_from([0, 15, 30, 45]),
        st.integers(0, 1),
    ),
    max_size=40,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    own=bookings,
    in_rooms=room_bookings,
    sessions=st.integers(1, 6),
    interval=st.integers(1, 14),
    tolerance=st.integers(0, 3),
    hour=st.integers(8, 17),
)
def test_it_places_a_named_practitioners_course_as_against_every_room_booking(
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
    rooms: list[Room],
    own: list[tuple[int, int, int]],
    in_rooms: list[tuple[int, int, int, int]],
    sessions: int,
    interval: int,
    tolerance: int,
    hour: int,
) -> None:
    """Reading the rooms only around the sessions (decision 0037) places every course exactly
    where reading every room booking of the window places it, rooms included."""
    try:
        with transaction.atomic(), acting_as(receptionist_a):
            colleague = User.objects.create(username="cora_colleague", role=Role.PRACTITIONER)
            colleague.sites.add(site_a)
            give_hours(colleague, site_a, 8, 18)
            other = Patient.objects.create(
                site=site_a, given_name="Busy", family_name="Bee", date_of_birth=dt.date(1985, 1, 1)
            )
            for day, h, minute in own:
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=other.pk,
                        service_code="skin_booster",
                        practitioner_id=practitioner_a.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h, minute),
                    )
            for day, h, minute, room in in_rooms:
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=other.pk,
                        service_code="skin_booster",
                        practitioner_id=colleague.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h, minute),
                        room_id=rooms[room].pk,
                    )
            service = Service.objects.get(code="skin_booster")
            first_start = at(MONDAY, hour)
            placed, _ = course_placement(
                site=site_a,
                service=service,
                first_start=first_start,
                sessions=sessions,
                interval_days=interval,
                tolerance_days=tolerance,
                preferred=practitioner_a,
                patient_id=patient_a.pk,
            )
            reference = _placed_on_the_whole_read(
                site_a,
                service,
                [practitioner_a],
                patient_a,
                first_start=first_start,
                sessions=sessions,
                interval=interval,
                tolerance=tolerance,
                preferred=practitioner_a,
            )
            assert placed == reference
            raise _Rollback
    except _Rollback:
        pass


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    in_rooms=room_bookings,
    colleagues=st.lists(st.tuples(st.integers(0, 60), st.integers(8, 17)), max_size=25),
    full=st.lists(st.integers(0, 40), max_size=4),
    sessions=st.integers(1, 6),
    interval=st.integers(1, 21),
    tolerance=st.integers(0, 7),
    hour=st.integers(8, 17),
)
def test_it_places_any_practitioners_course_as_against_the_whole_window(
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
    rooms: list[Room],
    in_rooms: list[tuple[int, int, int, int]],
    colleagues: list[tuple[int, int]],
    full: list[int],
    sessions: int,
    interval: int,
    tolerance: int,
    hour: int,
) -> None:
    """Reading busy rows only on the days each session may land on places every course exactly
    where reading the course's whole span places it (practitioners, rooms and the patient).
    Full days push sessions off their ideal dates, onto days whose bookings then matter."""
    try:
        with transaction.atomic(), acting_as(receptionist_a):
            colleague = User.objects.create(username="cora_colleague", role=Role.PRACTITIONER)
            colleague.sites.add(site_a)
            give_hours(colleague, site_a, 8, 18)
            other = Patient.objects.create(
                site=site_a, given_name="Busy", family_name="Bee", date_of_birth=dt.date(1985, 1, 1)
            )
            for day, h, minute, room in in_rooms:
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=other.pk,
                        service_code="skin_booster",
                        practitioner_id=practitioner_a.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h, minute),
                        room_id=rooms[room].pk,
                    )
            busy = [(day, h) for day in full for h in range(8, 18)] + colleagues
            for day, h in busy:
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=other.pk,
                        service_code="skin_booster",
                        practitioner_id=practitioner_a.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h),
                    )
                with contextlib.suppress(Conflict):
                    appointment_book(
                        actor=receptionist_a,
                        patient_id=patient_a.pk,
                        service_code="skin_booster",
                        practitioner_id=colleague.pk,
                        start=at(MONDAY + dt.timedelta(days=day), h),
                    )
            service = Service.objects.get(code="skin_booster")
            first_start = at(MONDAY, hour)
            placed, _ = course_placement(
                site=site_a,
                service=service,
                first_start=first_start,
                sessions=sessions,
                interval_days=interval,
                tolerance_days=tolerance,
                preferred=None,
                patient_id=patient_a.pk,
            )
            reference = _placed_on_the_whole_read(
                site_a,
                service,
                [practitioner_a, colleague],
                patient_a,
                first_start=first_start,
                sessions=sessions,
                interval=interval,
                tolerance=tolerance,
                preferred=None,
            )
            assert placed == reference
            raise _Rollback
    except _Rollback:
        pass


def _placed_on_the_whole_read(
    site: Site,
    service: Service,
    practitioners: list[User],
    patient: Patient,
    *,
    first_start: dt.datetime,
    sessions: int,
    interval: int,
    tolerance: int,
    preferred: User | None,
) -> CoursePlacement:
    """The reference: the course placed on every booking of its whole span, rooms included."""
    calendar = calendar_load(
        site=site,
        practitioners=practitioners,
        first_day=MONDAY - dt.timedelta(days=tolerance),
        last_day=MONDAY + dt.timedelta(days=(sessions - 1) * interval + tolerance),
        room_type="treatment",
        patient_id=patient.pk,
    )
    return place_course(
        CourseQuery(
            slots=SlotQuery(
                site=calendar.site,
                service=engine_service(service),
                practitioners=calendar.practitioners,
                first_day=MONDAY,
                last_day=MONDAY,
                rooms=calendar.rooms,
                patient_busy=calendar.patient_busy,
            ),
            first_start=first_start,
            sessions=sessions,
            interval_days=interval,
            tolerance_days=tolerance,
            preferred_practitioner=str(preferred.pk) if preferred else None,
        )
    )
