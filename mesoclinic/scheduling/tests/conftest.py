"""A small clinic diary: one site in Europe/London, two treatment rooms, a practitioner who
works Monday to Saturday 09:00-17:00, and a 45-minute service with 15 minutes to clean up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import StoredPlan
from mesoclinic.scheduling.models import Room, Service, WorkingHours

MONDAY = dt.date(2027, 1, 11)


def at(day: dt.date, hour: int, minute: int = 0, zone: str = "Europe/London") -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(zone))


@pytest.fixture
def service(db: None) -> Service:
    return Service.objects.create(
        code="skin_booster",
        name="Skin booster, face",
        patient_facing_name="Skin quality treatment",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
        room_type="treatment",
    )


@pytest.fixture
def rooms(site_a: Site) -> list[Room]:
    return [
        Room.objects.create(site=site_a, name="Room 1", room_type="treatment"),
        Room.objects.create(site=site_a, name="Room 2", room_type="treatment"),
    ]


def give_hours(practitioner: User, site: Site, start: int = 9, end: int = 17) -> None:
    for weekday in range(6):
        WorkingHours.objects.create(
            practitioner=practitioner,
            site=site,
            weekday=weekday,
            start=dt.time(start),
            end=dt.time(end),
        )


@pytest.fixture
def diary(practitioner_a: User, site_a: Site, service: Service, rooms: list[Room]) -> None:
    give_hours(practitioner_a, site_a)


def bearer(user: User) -> dict[str, str]:
    _, token = api_token_create(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def api_as(db: None) -> Callable[[User], Callable[..., object]]:
    """``api_as(user)(method, path, json)`` -> the response, through the real client."""

    def make(user: User) -> Callable[..., object]:
        headers = bearer(user)
        client = Client()

        def call(method: str, path: str, body: object = None) -> object:
            send = getattr(client, method.lower())
            if body is None:
                return send(path, **headers)
            return send(path, body, content_type="application/json", **headers)

        return call

    return make


def plan_for(practitioner: User, patient: Patient) -> StoredPlan:
    """A stored plan of a consultation for skin quality on the cheeks: it has a course with a
    number of sessions and an interval, which the diary offers to book."""
    from mesoclinic.audit.context import acting_as
    from mesoclinic.consultations.services import History, consultation_create
    from mesoclinic.plans.services import plan_generate

    with acting_as(practitioner):
        consultation = consultation_create(
            patient_id=patient.pk,
            actor=practitioner,
            held_at=dt.datetime.now(dt.UTC),
            history=History(concerns=[{"concern": "skin_quality", "zones": ["cheeks"]}]),
        )
        return plan_generate(consultation_id=consultation.pk, actor=practitioner)
