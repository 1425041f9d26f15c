"""The diary's pages through the real client: the day grid, the week, booking one appointment
and a plan's course, moving by a tap, one-tap statuses, cancelling, a patient's appointments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Course, Status
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import MONDAY, at, plan_for

pytestmark = pytest.mark.usefixtures("diary")
DAY_URL = "/diary/{site}/2027-01-11/"


def _book(user: User, patient: Patient, hour: int, minute: int = 0) -> Appointment:
    return appointment_book(
        actor=user,
        patient_id=patient.pk,
        service_code="skin_booster",
        practitioner_id=User.objects.get(username="priya_practitioner").pk,
        start=at(MONDAY, hour, minute),
    )


def _booking(patient: Patient, start: str, **more: str) -> dict[str, object]:
    """The booking form as sent for Priya at site A, for ``patient`` at local ``start``."""
    practitioner = User.objects.get(username="priya_practitioner")
    return {
        "site": patient.site_id,
        "patient": patient.pk,
        "service": "skin_booster",
        "practitioner": practitioner.pk,
        "start": start,
        **more,
    }


def test_it_shows_the_day_with_blocks_free_quarters_and_closed_time(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    _book(receptionist_a, patient_a, 10)
    response = client_for(receptionist_a).get(DAY_URL.format(site=site_a.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Anderson" in html
    assert "10:00\u201310:45" in html
    # The 45-minute service and 15 minutes after it: an hour of five-minute rows.
    assert re.search(r'<td rowspan="12" class="block">', html)
    assert "Book Priya Tester at 09:15" in html
    assert "Book Priya Tester at 10:00" not in html  # taken
    assert "09:00\u201317:00" in html  # the working time under the name
    assert AuditEvent.objects.filter(object_type="diary", action="list").exists()


def test_it_shades_a_day_off_and_books_nothing_there(
    client_for: Callable[[User], Client], receptionist_a: User, site_a: Site
) -> None:
    html = client_for(receptionist_a).get(f"/diary/{site_a.pk}/2027-01-17/").content.decode()
    assert "Not working" in html
    assert "Book Priya Tester" not in html


def test_it_pins_the_queries_of_a_busy_day(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    client = client_for(receptionist_a)
    client.get(DAY_URL.format(site=site_a.pk))
    with CaptureQueriesContext(connection) as few:
        client.get(DAY_URL.format(site=site_a.pk))
    for hour in (9, 11, 13, 15):
        patient = Patient.objects.create(
            site=site_a, given_name=f"P{hour}", family_name="X", date_of_birth=dt.date(1990, 1, 1)
        )
        _book(receptionist_a, patient, hour)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DAY_URL.format(site=site_a.pk))
    assert response.content.decode().count('class="appt ') == 4
    assert len(many) == len(few) <= 16


def test_it_shows_a_practitioner_their_own_column_first(
    client_for: Callable[[User], Client],
    practitioner_a: User,
    site_a: Site,
) -> None:
    from mesoclinic.accounts.models import Role
    from mesoclinic.accounts.services import staff_create

    staff_create(
        username="omar_other",
        password="x" * 20,
        role=Role.PRACTITIONER,
        sites=[site_a],
        first_name="Omar",
        last_name="Other",
    )
    client = client_for(practitioner_a)
    mine = client.get(DAY_URL.format(site=site_a.pk)).content.decode()
    everyone = client.get(DAY_URL.format(site=site_a.pk) + "?everyone=1").content.decode()
    assert "Omar Other" not in mine
    assert "Priya Tester" in mine
    assert "Omar Other" in everyone


def test_it_shows_rooms_as_columns(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    _book(receptionist_a, patient_a, 10)
    html = client_for(receptionist_a).get(DAY_URL.format(site=site_a.pk) + "?view=rooms")
    text = html.content.decode()
    assert "Room 1" in text
    assert "Room 2" in text
    assert "Book Room 2 at 10:00" in text


def test_it_books_from_a_tapped_free_time(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    client = client_for(receptionist_a)
    form = client.get(
        f"/diary/book/?site={site_a.pk}&practitioner={practitioner_a.pk}"
        f"&start=2027-01-11T09:15&patient={patient_a.pk}"
    )
    assert 'value="2027-01-11T09:15"' in form.content.decode()
    response = client.post(
        "/diary/book/",
        _booking(patient_a, "2027-01-11T09:15", room="", notes=""),
    )
    assert response.status_code == 302
    assert response["Location"] == DAY_URL.format(site=site_a.pk)
    booked = Appointment.objects.get()
    assert booked.start == at(MONDAY, 9, 15)
    assert booked.booked_by == receptionist_a


def test_it_keeps_what_was_typed_when_the_time_is_taken(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    patient_b: Patient,
    site_a: Site,
) -> None:
    _book(receptionist_a, patient_a, 10)
    other = Patient.objects.create(
        site=site_a, given_name="Carl", family_name="Cole", date_of_birth=dt.date(1990, 5, 5)
    )
    response = client_for(receptionist_a).post(
        "/diary/book/",
        _booking(other, "2027-01-11T10:30", notes="Prefers mornings"),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "already booked" in html or "taken" in html
    assert "Prefers mornings" in html
    assert 'value="2027-01-11T10:30"' in html
    assert Appointment.objects.count() == 1


def test_it_names_the_field_and_value_of_a_bad_start(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    response = client_for(receptionist_a).post(
        "/diary/book/",
        _booking(patient_a, "next tuesday"),
    )
    assert response.status_code == 422
    assert "Start: " in response.content.decode()
    assert "next tuesday" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_refuses_a_time_the_clocks_skip(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    response = client_for(receptionist_a).post(
        "/diary/book/",
        _booking(patient_a, "2027-03-28T01:30"),
    )
    assert response.status_code == 422
    assert "does not exist in Europe/London" in response.content.decode()


def test_it_finds_the_patient_to_book_for(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    html = client_for(receptionist_a).get(f"/diary/book/?site={site_a.pk}&q=ander").content
    assert f"patient={patient_a.pk}".encode() in html
    assert b"Choose Alice Anderson" in html


def test_it_moves_an_appointment_by_a_tap(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    booked = _book(receptionist_a, patient_a, 10)
    client = client_for(receptionist_a)
    grid = client.get(DAY_URL.format(site=site_a.pk) + f"?move={booked.pk}").content.decode()
    assert "Move here 14:00" in grid
    assert "Book Priya Tester" not in grid
    response = client.post(f"/diary/appointments/{booked.pk}/move/", {"start": "2027-01-11T14:00"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.start == at(MONDAY, 14)


def test_it_answers_a_move_into_taken_time_with_409_and_keeps_the_old_time(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    booked = _book(receptionist_a, patient_a, 10)
    other = Patient.objects.create(
        site=site_a, given_name="Carl", family_name="Cole", date_of_birth=dt.date(1990, 5, 5)
    )
    _book(receptionist_a, other, 14)
    response = client_for(receptionist_a).post(
        f"/diary/appointments/{booked.pk}/move/", {"start": "2027-01-11T14:15"}
    )
    assert response.status_code == 409
    booked.refresh_from_db()
    assert booked.start == at(MONDAY, 10)


def test_it_moves_statuses_on_in_one_tap_and_goes_back(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    booked = _book(receptionist_a, patient_a, 10)
    client = client_for(receptionist_a)
    day = DAY_URL.format(site=site_a.pk)
    response = client.post(
        f"/diary/appointments/{booked.pk}/status/", {"status": "arrived", "next": day}
    )
    assert response.status_code == 302
    assert response["Location"] == day
    outside = client.post(
        f"/diary/appointments/{booked.pk}/status/",
        {"status": "completed", "next": "https://evil.example/"},
    )
    assert outside["Location"] == f"/diary/appointments/{booked.pk}/"
    booked.refresh_from_db()
    assert booked.status == Status.COMPLETED
    refused = client.post(f"/diary/appointments/{booked.pk}/status/", {"status": "arrived"})
    assert refused.status_code == 409


def test_it_cancels_with_a_reason_and_frees_the_time(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    booked = _book(receptionist_a, patient_a, 10)
    client = client_for(receptionist_a)
    empty = client.post(f"/diary/appointments/{booked.pk}/cancel/", {"reason": ""})
    assert empty.status_code == 422
    assert "Reason for cancelling" in empty.content.decode()
    done = client.post(f"/diary/appointments/{booked.pk}/cancel/", {"reason": "Unwell"})
    assert done.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert booked.cancel_reason == "Unwell"
    grid = client.get(DAY_URL.format(site=site_a.pk)).content.decode()
    assert "Book Priya Tester at 10:00" in grid


def test_it_reschedules_from_the_appointment_page(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient
) -> None:
    booked = _book(receptionist_a, patient_a, 10)
    client = client_for(receptionist_a)
    page = client.get(f"/diary/appointments/{booked.pk}/").content.decode()
    assert 'value="2027-01-11T10:00"' in page
    response = client.post(f"/diary/appointments/{booked.pk}/", {"start": "2027-01-12T11:00"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.start == at(MONDAY + dt.timedelta(days=1), 11)


def test_it_shows_the_week(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    _book(receptionist_a, patient_a, 10)
    client = client_for(receptionist_a)
    assert client.get(f"/diary/{site_a.pk}/week/2027-01-13/")["Location"] == (
        f"/diary/{site_a.pk}/week/2027-01-11/"
    )
    html = client.get(f"/diary/{site_a.pk}/week/2027-01-11/").content.decode()
    assert "10:00</span> Alice Anderson" in html
    assert html.count("Not working") == 1  # Sunday


def test_it_refuses_another_sites_diary_and_a_bad_date(
    client_for: Callable[[User], Client], practitioner_b: User, site_a: Site
) -> None:
    client = client_for(practitioner_b)
    assert client.get(DAY_URL.format(site=site_a.pk)).status_code == 404
    assert client.get(f"/diary/{site_a.pk}/2027-02-30/").status_code == 404


def test_it_answers_a_bad_parameter_with_422_naming_it(
    client_for: Callable[[User], Client], receptionist_a: User, site_a: Site
) -> None:
    response = client_for(receptionist_a).get(DAY_URL.format(site=site_a.pk) + "?move=abc")
    assert response.status_code == 422
    assert "move: “abc” is not a whole number" in response.content.decode()


def test_it_lists_a_patients_appointments(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient
) -> None:
    _book(receptionist_a, patient_a, 10)
    html = client_for(receptionist_a).get(f"/diary/patients/{patient_a.pk}/").content.decode()
    assert "Mon 11 Jan 2027" in html
    assert "Skin booster, face" in html
    assert "Arrived<span" in html


def test_it_books_a_plans_course_whole(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
) -> None:
    plan = plan_for(practitioner_a, patient_a)
    course = plan.current["courses"][0]
    client = client_for(receptionist_a)
    page = client.get(f"/diary/course/?patient={patient_a.pk}&plan={plan.pk}&course=0")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="sessions" value="{course["sessions"]}"' in html
    assert f'name="interval_days" value="{course["interval_days"]}"' in html
    response = client.post(
        "/diary/course/",
        {
            "patient": patient_a.pk,
            "plan": plan.pk,
            "service": "skin_booster",
            "sessions": course["sessions"],
            "interval_days": course["interval_days"],
            "tolerance_days": 3,
            "first_start": "2027-01-11T10:00",
            "practitioner": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    booked = Course.objects.get()
    assert booked.plan_id == plan.pk
    assert booked.appointments.count() == course["sessions"]


def test_it_books_no_course_of_another_patients_plan(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient
) -> None:
    response = client_for(receptionist_a).post(
        "/diary/course/",
        {
            "patient": patient_a.pk,
            "plan": 999999,
            "service": "skin_booster",
            "sessions": 3,
            "interval_days": 28,
            "tolerance_days": 3,
            "first_start": "2027-01-11T10:00",
        },
    )
    assert response.status_code == 422
    assert "999999 is not a plan of this patient" in response.content.decode()
    assert not Course.objects.exists()


def test_it_links_the_diary_from_every_page(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    html = client_for(receptionist_a).get("/patients/").content.decode()
    assert 'href="/diary/"' in html


def test_it_shows_an_overbooking_beside_the_appointment_it_overlaps(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    manager_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    _book(receptionist_a, patient_a, 10)
    other = Patient.objects.create(
        site=site_a, given_name="Carl", family_name="Cole", date_of_birth=dt.date(1990, 5, 5)
    )
    with acting_as(manager_a):
        appointment_book(
            actor=manager_a,
            patient_id=other.pk,
            service_code="skin_booster",
            practitioner_id=practitioner_a.pk,
            start=at(MONDAY, 10, 15),
            overbook_reason="Urgent review",
        )
    html = client_for(receptionist_a).get(DAY_URL.format(site=site_a.pk)).content.decode()
    cell = re.search(r'<td rowspan="(\d+)" class="block">(.*?)</td>', html, re.S)
    assert cell is not None
    assert cell.group(1) == "15"  # 10:00 to 11:15, both in one cell
    assert "Alice Anderson" in cell.group(2)
    assert "Carl Cole" in cell.group(2)
    assert "overbooked" in cell.group(2)


def test_it_opens_today_and_jumps_to_a_typed_date(
    client_for: Callable[[User], Client], receptionist_a: User, patient_a: Patient, site_a: Site
) -> None:
    from mesoclinic.core.time import today_in

    client = client_for(receptionist_a)
    today = today_in(site_a.zone)
    home = client.get(f"/diary/?patient={patient_a.pk}")
    assert home["Location"] == f"/diary/{site_a.pk}/{today}/?patient={patient_a.pk}"
    jump = client.get(f"/diary/{site_a.pk}/jump/?day=2027-01-13")
    assert jump["Location"] == f"/diary/{site_a.pk}/2027-01-13/"
    week = client.get(f"/diary/{site_a.pk}/jump/?day=2027-01-13&week=1")
    assert week["Location"] == f"/diary/{site_a.pk}/week/2027-01-11/"
    bad = client.get(f"/diary/{site_a.pk}/jump/?day=soon")
    assert bad["Location"] == f"/diary/{site_a.pk}/{today}/"


def test_it_offers_book_this_course_on_the_plan_page(
    client_for: Callable[[User], Client], practitioner_a: User, patient_a: Patient
) -> None:
    plan = plan_for(practitioner_a, patient_a)
    base = f"/patients/{patient_a.pk}/consultations/{plan.consultation_id}/plans/{plan.pk}/"
    client = client_for(practitioner_a)
    link = f"/diary/course/?patient={patient_a.pk}&amp;plan={plan.pk}&amp;course=0"
    assert link in client.get(base).content.decode()
    assert link not in client.get(base + "print/").content.decode()
