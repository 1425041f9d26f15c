"""Barrier races through the API: 8 requests arrive together for each slot.

Each round starts 8 threads on a ``threading.Barrier``, each with its own client, token and
database connection, all asking for the same practitioner (or room, or course) at the same
time. Exactly one may win each round; every other answer must be 409, never a server error,
and afterwards no two appointments that hold time overlap. ``MESOCLINIC_RACE_SLOTS`` sets the
number of rounds (200 for the full measurement; 40 by default to keep the suite quick).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.conftest import _staff
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import HOLDING, Appointment, Course, Room, Service, WorkingHours
from mesoclinic.scheduling.tests.conftest import bearer

THREADS = 8
SLOTS = int(os.environ.get("MESOCLINIC_RACE_SLOTS", "40"))
BASE = dt.datetime(2027, 2, 1, 0, 0, tzinfo=dt.UTC)  # a Monday; London is on UTC in February

pytestmark = pytest.mark.django_db(transaction=True)


def _all_day(
    practitioner: User, site: Site, start: dt.time = dt.time(0), end: dt.time = dt.time(0)
) -> None:
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=practitioner, site=site, weekday=d, start=start, end=end)
        for d in range(7)
    )


def _patients(site: Site) -> list[Patient]:
    return [
        Patient.objects.create(
            site=site,
            given_name=f"Racer{i}",
            family_name="Runner",
            date_of_birth=dt.date(1980, 1, 1 + i),
        )
        for i in range(THREADS)
    ]


def race(
    user: User, rounds: int, path: str, body: Callable[[int, int], dict[str, Any]]
) -> list[Counter[int]]:
    """Run ``rounds`` rounds of ``THREADS`` simultaneous POSTs; the statuses of each round."""
    barrier = threading.Barrier(THREADS)
    results: list[Counter[int]] = [Counter() for _ in range(rounds)]
    lock = threading.Lock()
    headers = [bearer(user)["HTTP_AUTHORIZATION"] for _ in range(THREADS)]

    def worker(thread: int) -> None:
        client = Client(raise_request_exception=False)
        try:
            for number in range(rounds):
                barrier.wait(timeout=60)
                answer = client.post(
                    path,
                    body(number, thread),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=headers[thread],
                )
                with lock:
                    results[number][answer.status_code] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def overlapping_pairs() -> int:
    rows = list(Appointment.objects.filter(status__in=HOLDING, overbook_reason=""))
    pairs = 0
    for a, b in combinations(rows, 2):
        held = a.held_from < b.held_until and b.held_from < a.held_until
        if (
            held
            and (a.practitioner_id == b.practitioner_id or (a.room_id and a.room_id == b.room_id))
        ) or (a.patient_id == b.patient_id and a.start < b.end and b.start < a.end):
            pairs += 1
    return pairs


def assert_one_winner_per_round(results: list[Counter[int]]) -> None:
    for number, statuses in enumerate(results):
        assert statuses == Counter({201: 1, 409: THREADS - 1}), (number, statuses)


@pytest.fixture
def clinic(site_a: Site, practitioner_a: User, receptionist_a: User) -> dict[str, Any]:
    Service.objects.create(
        code="race",
        name="Race",
        patient_facing_name="Race",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
    )
    Service.objects.create(
        code="race_room",
        name="Race in a room",
        patient_facing_name="Race in a room",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
        room_type="treatment",
    )
    _all_day(practitioner_a, site_a)
    return {"patients": _patients(site_a)}


def test_it_books_each_practitioner_slot_once(
    clinic: dict[str, Any], receptionist_a: User, practitioner_a: User
) -> None:
    patients = clinic["patients"]

    def body(number: int, thread: int) -> dict[str, Any]:
        return {
            "patient": patients[thread].pk,
            "service": "race",
            "practitioner": practitioner_a.pk,
            "start": (BASE + dt.timedelta(hours=number)).isoformat(),
        }

    results = race(receptionist_a, SLOTS, "/api/v1/appointments", body)
    assert_one_winner_per_round(results)
    assert Appointment.objects.count() == SLOTS
    assert overlapping_pairs() == 0


def test_it_books_each_room_slot_once(
    clinic: dict[str, Any], site_a: Site, receptionist_a: User
) -> None:
    patients = clinic["patients"]
    room = Room.objects.create(site=site_a, name="The one room", room_type="treatment")
    staff = [_staff(f"racer{i}_practitioner", Role.PRACTITIONER, site_a) for i in range(THREADS)]
    for person in staff:
        _all_day(person, site_a)

    def body(number: int, thread: int) -> dict[str, Any]:
        return {
            "patient": patients[thread].pk,
            "service": "race_room",
            "practitioner": staff[thread].pk,
            "start": (BASE + dt.timedelta(hours=number)).isoformat(),
            "room": room.pk,
        }

    results = race(receptionist_a, SLOTS, "/api/v1/appointments", body)
    assert_one_winner_per_round(results)
    assert Appointment.objects.filter(room=room).count() == SLOTS
    assert overlapping_pairs() == 0


def test_it_books_each_course_once_whole(
    site_a: Site, practitioner_a: User, receptionist_a: User
) -> None:
    Service.objects.create(
        code="race", name="Race", patient_facing_name="Race", duration=dt.timedelta(minutes=45)
    )
    # One 45-minute slot a day, 10:00: a course that loses it has nowhere else to go.
    _all_day(practitioner_a, site_a, dt.time(10), dt.time(10, 45))
    patients = _patients(site_a)
    rounds = max(SLOTS // 8, 5)

    def body(number: int, thread: int) -> dict[str, Any]:
        return {
            "patient": patients[thread].pk,
            "service": "race",
            "sessions": 3,
            "interval_days": 1,
            "tolerance_days": 0,
            "first_start": (BASE + dt.timedelta(days=3 * number, hours=10)).isoformat(),
            "practitioner": practitioner_a.pk,
        }

    results = race(receptionist_a, rounds, "/api/v1/courses", body)
    assert_one_winner_per_round(results)
    assert Course.objects.count() == rounds
    assert Appointment.objects.count() == 3 * rounds
    assert all(course.appointments.count() == 3 for course in Course.objects.all())
    assert overlapping_pairs() == 0
