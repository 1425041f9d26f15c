"""The booking benchmark's seeded clinic is a valid diary: nothing overlaps, the coming
afternoons are free for the courses it books, and the measured path places a course."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from mesoclinic.benchmarks.booking import (
    BUSY_FUTURE_UNTIL,
    INTERVAL_DAYS,
    SESSIONS,
    TOLERANCE_DAYS,
    _overlaps,
    seed,
)
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.placement import course_placement

TODAY = dt.date(2027, 1, 11)


@pytest.mark.django_db
def test_it_seeds_a_diary_without_overlaps_that_leaves_afternoons_free() -> None:
    world = seed(appointments=3_000, today=TODAY)
    assert Appointment.objects.count() == world["appointments"] >= 3_000
    assert _overlaps(connection) == 0
    if connection.vendor == "sqlite":  # PostgreSQL's exclusion constraint refuses the row
        clash = Appointment.objects.order_by("pk").first()
        assert clash is not None
        clash.pk = None
        clash.held_from += dt.timedelta(minutes=30)
        clash.start = clash.held_from
        clash.end = clash.start + dt.timedelta(minutes=45)
        clash.held_until = clash.end
        clash.save()
        assert _overlaps(connection) == 1
    zone = world["zone"]
    future = Appointment.objects.filter(start__gt=dt.datetime.combine(TODAY, dt.time(23), zone))
    assert future.exists()
    assert all(a.start.astimezone(zone).hour < BUSY_FUTURE_UNTIL for a in future)
    placement, _ = course_placement(
        site=world["site"],
        service=world["service"],
        first_start=dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(14), zone),
        sessions=SESSIONS,
        interval_days=INTERVAL_DAYS,
        tolerance_days=TOLERANCE_DAYS,
        preferred=None,
        patient_id=None,
    )
    assert placement.failed_session is None
    assert len(placement.sessions) == SESSIONS
