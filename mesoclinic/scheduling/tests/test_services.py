from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import AuditEvent
from mesoclinic.core.errors import Conflict, Forbidden, Invalid, NotFound
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Room, Service, Source, Status, TimeOffKind
from mesoclinic.scheduling.services import (
    OutsideHours,
    SessionUnplaced,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
    course_book,
    time_off_add,
)
from mesoclinic.scheduling.tests.conftest import MONDAY, at

pytestmark = pytest.mark.usefixtures("diary")


def book(
    actor: User, patient: Patient, practitioner: User, start: dt.datetime, **kw: object
) -> Appointment:
    with acting_as(actor):
        return appointment_book(
            actor=actor,
            patient_id=patient.pk,
            service_code="skin_booster",
            practitioner_id=practitioner.pk,
            start=start,
            **kw,  # type: ignore[arg-type]
        )


def other_patient(site: Site, name: str = "Carol") -> Patient:
    return Patient.objects.create(
        site=site, given_name=name, family_name="Clark", date_of_birth=dt.date(1990, 1, 1)
    )


def test_it_books_with_buffers_and_the_first_free_room(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, rooms: list[Room]
) -> None:
    appointment = book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    assert appointment.end - appointment.start == dt.timedelta(minutes=45)
    assert appointment.held_until == appointment.end + dt.timedelta(minutes=15)
    assert appointment.room_id == rooms[0].pk
    assert appointment.status == Status.CONFIRMED
    assert AuditEvent.objects.filter(object_type="appointment", action="create").count() == 1


def test_it_refuses_the_practitioner_twice_naming_what_is_taken(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with pytest.raises(SlotTaken) as taken:
        # 10:45 is inside the 15-minute clean-up after the first appointment.
        book(receptionist_a, other_patient(site_a), practitioner_a, at(MONDAY, 10, 45))
    assert taken.value.extra == {"taken": "practitioner"}
    assert "practitioner" in taken.value.message
    assert Appointment.objects.count() == 1


def test_it_refuses_the_patient_with_two_practitioners_at_once(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    from mesoclinic.accounts.models import Role
    from mesoclinic.conftest import _staff
    from mesoclinic.scheduling.tests.conftest import give_hours

    second = _staff("nina_nurse", Role.PRACTITIONER, site_a)
    give_hours(second, site_a)
    book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with pytest.raises(SlotTaken) as taken:
        book(receptionist_a, patient_a, second, at(MONDAY, 10, 30))
    assert taken.value.extra == {"taken": "patient"}


def test_it_refuses_when_every_room_is_taken(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    from mesoclinic.accounts.models import Role
    from mesoclinic.conftest import _staff
    from mesoclinic.scheduling.tests.conftest import give_hours

    others = [_staff(f"n{i}_nurse", Role.PRACTITIONER, site_a) for i in range(2)]
    for other in others:
        give_hours(other, site_a)
    book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    book(receptionist_a, other_patient(site_a, "Dan"), others[0], at(MONDAY, 10))
    with pytest.raises(SlotTaken) as taken:
        book(receptionist_a, other_patient(site_a, "Eve"), others[1], at(MONDAY, 10, 15))
    assert taken.value.extra == {"taken": "room"}


def test_it_refuses_time_outside_working_hours_and_on_leave(
    receptionist_a: User, manager_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    with pytest.raises(OutsideHours):
        book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 16, 15))  # clean-up to 17:15
    with pytest.raises(OutsideHours):
        book(receptionist_a, patient_a, practitioner_a, at(MONDAY - dt.timedelta(days=1), 10))
    with acting_as(manager_a):
        time_off_add(
            actor=manager_a,
            site_id=site_a.pk,
            kind=TimeOffKind.LEAVE,
            first_day=MONDAY,
            last_day=MONDAY,
            practitioner_id=practitioner_a.pk,
        )
    with pytest.raises(OutsideHours):
        book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    # The last start of Tuesday: 16:00-16:45, cleaned up by 17:00.
    assert book(receptionist_a, patient_a, practitioner_a, at(MONDAY + dt.timedelta(days=1), 16))


def test_it_lets_only_a_manager_overbook_with_a_reason(
    receptionist_a: User, manager_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with pytest.raises(Forbidden):
        book(
            receptionist_a,
            other_patient(site_a),
            practitioner_a,
            at(MONDAY, 10),
            overbook_reason="urgent review",
        )
    over = book(
        manager_a,
        other_patient(site_a, "Fay"),
        practitioner_a,
        at(MONDAY, 10),
        overbook_reason="urgent review",
    )
    assert over.overbook_reason == "urgent review"
    event = AuditEvent.objects.get(object_type="appointment", object_id=str(over.pk))
    assert event.detail["overbook_reason"] == "urgent review"


def test_it_refuses_another_sites_patient_and_a_practitioner_of_another_site(
    receptionist_a: User,
    patient_b: Patient,
    patient_a: Patient,
    practitioner_a: User,
    practitioner_b: User,
) -> None:
    with pytest.raises(NotFound):
        book(receptionist_a, patient_b, practitioner_a, at(MONDAY, 10))
    with pytest.raises(Invalid):
        book(receptionist_a, patient_a, practitioner_b, at(MONDAY, 10))


def test_it_reschedules_and_frees_the_old_time(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    first = book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with acting_as(receptionist_a):
        moved = appointment_reschedule(
            actor=receptionist_a, appointment_id=first.pk, start=at(MONDAY, 14)
        )
    assert moved.start == at(MONDAY, 14)
    assert book(receptionist_a, other_patient(site_a), practitioner_a, at(MONDAY, 10))
    with pytest.raises(SlotTaken), acting_as(receptionist_a):
        appointment_reschedule(actor=receptionist_a, appointment_id=first.pk, start=at(MONDAY, 10))


def test_it_cancels_with_a_reason_and_frees_the_time(
    receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    first = book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with acting_as(receptionist_a):
        with pytest.raises(Invalid):
            appointment_cancel(actor=receptionist_a, appointment_id=first.pk, reason="  ")
        appointment_cancel(actor=receptionist_a, appointment_id=first.pk, reason="ill")
        with pytest.raises(Conflict):
            appointment_cancel(actor=receptionist_a, appointment_id=first.pk, reason="again")
    assert book(receptionist_a, other_patient(site_a), practitioner_a, at(MONDAY, 10))


def test_it_moves_through_statuses_only_forwards(
    receptionist_a: User, patient_a: Patient, practitioner_a: User
) -> None:
    first = book(receptionist_a, patient_a, practitioner_a, at(MONDAY, 10))
    with acting_as(receptionist_a):
        appointment_set_status(actor=receptionist_a, appointment_id=first.pk, status="arrived")
        with pytest.raises(Conflict):
            appointment_set_status(actor=receptionist_a, appointment_id=first.pk, status="no_show")
        done = appointment_set_status(
            actor=receptionist_a, appointment_id=first.pk, status="completed"
        )
    assert done.status == Status.COMPLETED


def test_it_books_a_course_whole(
    receptionist_a: User, patient_a: Patient, practitioner_a: User
) -> None:
    with acting_as(receptionist_a):
        course = course_book(
            actor=receptionist_a,
            patient_id=patient_a.pk,
            service_code="skin_booster",
            sessions=4,
            interval_days=14,
            tolerance_days=2,
            first_start=at(MONDAY, 10),
            source=Source.WEB,
        )
    starts = [a.start for a in course.appointments.order_by("start")]
    assert starts == [at(MONDAY + dt.timedelta(days=14 * k), 10) for k in range(4)]
    assert {a.source for a in course.appointments.all()} == {Source.WEB}


def test_it_books_no_session_when_one_cannot_be_placed(
    receptionist_a: User, manager_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    with acting_as(manager_a):
        time_off_add(
            actor=manager_a,
            site_id=site_a.pk,
            kind=TimeOffKind.LEAVE,
            first_day=MONDAY + dt.timedelta(days=26),
            last_day=MONDAY + dt.timedelta(days=30),
            practitioner_id=practitioner_a.pk,
        )
    with pytest.raises(SessionUnplaced) as unplaced, acting_as(receptionist_a):
        course_book(
            actor=receptionist_a,
            patient_id=patient_a.pk,
            service_code="skin_booster",
            sessions=4,
            interval_days=14,
            tolerance_days=1,
            first_start=at(MONDAY, 10),
        )
    assert unplaced.value.session == 3
    assert Appointment.objects.count() == 0


def test_a_named_practitioner_gives_every_session_or_none_is_booked(
    receptionist_a: User, manager_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    from mesoclinic.accounts.models import Role
    from mesoclinic.accounts.services import staff_create
    from mesoclinic.scheduling.tests.conftest import give_hours

    other = staff_create(
        username="olga_other", password="x" * 20, role=Role.PRACTITIONER, sites=[site_a]
    )
    give_hours(other, site_a)
    with acting_as(manager_a):
        time_off_add(
            actor=manager_a,
            site_id=site_a.pk,
            kind=TimeOffKind.LEAVE,
            first_day=MONDAY + dt.timedelta(days=12),
            last_day=MONDAY + dt.timedelta(days=16),
            practitioner_id=practitioner_a.pk,
        )
    book = {
        "actor": receptionist_a,
        "patient_id": patient_a.pk,
        "service_code": "skin_booster",
        "sessions": 3,
        "interval_days": 14,
        "tolerance_days": 1,
        "first_start": at(MONDAY, 10),
    }
    with pytest.raises(SessionUnplaced) as unplaced, acting_as(receptionist_a):
        course_book(**book, practitioner_id=practitioner_a.pk)  # type: ignore[arg-type]
    assert unplaced.value.session == 2
    assert Appointment.objects.count() == 0
    with acting_as(receptionist_a):
        course = course_book(**book)  # type: ignore[arg-type]
    who = [a.practitioner_id for a in course.appointments.order_by("start")]
    assert who == [practitioner_a.pk, other.pk, practitioner_a.pk]


def test_a_service_needing_a_prescriber_refuses_a_non_prescriber(
    receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    from mesoclinic.accounts.models import Role
    from mesoclinic.conftest import _staff

    Service.objects.filter(code="skin_booster").update(needs_prescriber=True)
    nurse = _staff("nina_nurse", Role.PRACTITIONER, site_a)
    with pytest.raises(Invalid):
        book(receptionist_a, patient_a, nurse, at(MONDAY, 10))


def test_a_service_name_for_patients_names_no_prescription_only_medicine(
    manager_a: User, receptionist_a: User
) -> None:
    from mesoclinic.scheduling.services import service_save

    def save(actor: User, public: str) -> Service:
        with acting_as(actor):
            return service_save(
                actor=actor,
                code="txa",
                name="Tranexamic acid mesotherapy",
                patient_facing_name=public,
                duration=dt.timedelta(minutes=30),
            )

    with pytest.raises(Invalid) as refused:
        save(manager_a, "TXA brightening")
    assert "Tranexamic acid" in refused.value.message
    with pytest.raises(Invalid):
        save(manager_a, "Minoxidil for hair")
    with pytest.raises(Forbidden):
        save(receptionist_a, "Pigmentation treatment")
    saved = save(manager_a, "Pigmentation treatment")
    assert saved.name == "Tranexamic acid mesotherapy"  # the staff name may say what it is
