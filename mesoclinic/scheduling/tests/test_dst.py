"""Booking in Europe/London across the March and October clock changes (decision 0020)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mesoclinic.accounts.models import Site, User
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Service, WorkingHours

Api = Callable[[User], Callable[..., Any]]
SPRING = dt.date(2027, 3, 28)  # 01:00 GMT becomes 02:00 BST
AUTUMN = dt.date(2027, 10, 31)  # 02:00 BST becomes 01:00 GMT


@pytest.fixture
def night(site_a: Site, practitioner_a: User) -> None:
    Service.objects.create(
        code="night",
        name="Night",
        patient_facing_name="Night",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
    )
    for weekday in range(7):
        WorkingHours.objects.create(
            practitioner=practitioner_a,
            site=site_a,
            weekday=weekday,
            start=dt.time(0),
            end=dt.time(4),
        )


def slots(call: Callable[..., Any], site: Site, day: dt.date) -> list[str]:
    answer = call("GET", f"/api/v1/availability?service=night&site={site.pk}&from={day}&to={day}")
    assert answer.status_code == 200, answer.content
    return [slot["start"] for slot in answer.json()["slots"]]


@pytest.mark.usefixtures("night")
def test_spring_forward_skips_the_missing_hour(
    api_as: Api, receptionist_a: User, site_a: Site
) -> None:
    starts = slots(api_as(receptionist_a), site_a, SPRING)
    assert starts == [
        "2027-03-28T00:00:00+00:00",
        "2027-03-28T00:15:00+00:00",
        "2027-03-28T00:30:00+00:00",
        "2027-03-28T00:45:00+00:00",
        "2027-03-28T02:00:00+01:00",
        "2027-03-28T02:15:00+01:00",
        "2027-03-28T02:30:00+01:00",
        "2027-03-28T02:45:00+01:00",
        "2027-03-28T03:00:00+01:00",
    ]


@pytest.mark.usefixtures("night")
def test_fall_back_offers_each_wall_time_once_and_books_both_half_past_ones(
    api_as: Api,
    receptionist_a: User,
    site_a: Site,
    patient_a: Patient,
    patient_b: Patient,
    practitioner_a: User,
) -> None:
    call = api_as(receptionist_a)
    starts = slots(call, site_a, AUTUMN)
    assert len(starts) == 13
    assert starts[0] == "2027-10-31T00:00:00+01:00"
    assert "2027-10-31T01:30:00+01:00" in starts
    assert "2027-10-31T01:30:00+00:00" not in starts  # the second 01:30 is not on the grid
    assert starts[-1] == "2027-10-31T03:00:00+00:00"
    other = Patient.objects.create(
        site=site_a, given_name="Oz", family_name="Owen", date_of_birth=dt.date(1970, 5, 5)
    )
    for patient, start in (
        (patient_a, "2027-10-31T01:30:00+01:00"),
        (other, "2027-10-31T01:30:00+00:00"),
    ):
        answer = call(
            "POST",
            "/api/v1/appointments",
            {
                "patient": patient.pk,
                "service": "night",
                "practitioner": practitioner_a.pk,
                "start": start,
            },
        )
        # An hour apart in real time: the first's clean-up ends as the second begins.
        assert answer.status_code == 201, answer.content
        assert answer.json()["start"] == start


@pytest.mark.usefixtures("diary")
def test_a_weekly_course_keeps_its_wall_clock_time_across_the_change(
    api_as: Api, receptionist_a: User, patient_a: Patient, practitioner_a: User
) -> None:
    answer = api_as(receptionist_a)(
        "POST",
        "/api/v1/courses",
        {
            "patient": patient_a.pk,
            "service": "skin_booster",
            "sessions": 3,
            "interval_days": 7,
            "first_start": "2027-03-15T09:00:00+00:00",
            "practitioner": practitioner_a.pk,
        },
    )
    assert answer.status_code == 201, answer.content
    assert [a["start"] for a in answer.json()["appointments"]] == [
        "2027-03-15T09:00:00+00:00",
        "2027-03-22T09:00:00+00:00",
        "2027-03-29T09:00:00+01:00",
    ]
