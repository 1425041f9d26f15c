from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Source, TimeOff, WorkingHours
from mesoclinic.scheduling.tests.conftest import MONDAY, bearer

pytestmark = pytest.mark.usefixtures("diary")

Api = Callable[[User], Callable[..., Any]]


def test_it_lists_free_slots_with_the_sites_offset(
    api_as: Api, receptionist_a: User, site_a: Site, practitioner_a: User
) -> None:
    call = api_as(receptionist_a)
    answer = call(
        "GET",
        f"/api/v1/availability?service=skin_booster&site={site_a.pk}&from={MONDAY}&to={MONDAY}",
    )
    assert answer.status_code == 200, answer.content
    slots = answer.json()["slots"]
    # 09:00 to 16:00 every 15 minutes (45 minutes and 15 of clean-up before 17:00).
    assert len(slots) == 29
    assert slots[0] == {
        "start": "2027-01-11T09:00:00+00:00",
        "end": "2027-01-11T09:45:00+00:00",
        "practitioner": practitioner_a.pk,
        "room": slots[0]["room"],
    }
    summer = call(
        "GET",
        f"/api/v1/availability?service=skin_booster&site={site_a.pk}&from=2027-06-14&to=2027-06-14",
    ).json()["slots"]
    assert summer[0]["start"] == "2027-06-14T09:00:00+01:00"


def test_it_refuses_a_window_over_92_days_naming_to(
    api_as: Api, receptionist_a: User, site_a: Site
) -> None:
    answer = api_as(receptionist_a)(
        "GET",
        f"/api/v1/availability?service=skin_booster&site={site_a.pk}&from=2027-01-01&to=2027-04-03",
    )
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["to"]


def test_it_hides_another_sites_availability(
    api_as: Api, practitioner_b: User, site_a: Site
) -> None:
    answer = api_as(practitioner_b)(
        "GET",
        f"/api/v1/availability?service=skin_booster&site={site_a.pk}&from={MONDAY}&to={MONDAY}",
    )
    assert answer.status_code == 404


def test_it_books_then_answers_409_for_the_same_time(
    api_as: Api, receptionist_a: User, patient_a: Patient, practitioner_a: User, site_a: Site
) -> None:
    call = api_as(receptionist_a)
    body = {
        "patient": patient_a.pk,
        "service": "skin_booster",
        "practitioner": practitioner_a.pk,
        "start": "2027-01-11T10:00:00Z",
    }
    created = call("POST", "/api/v1/appointments", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["start"] == "2027-01-11T10:00:00+00:00"
    assert out["end"] == "2027-01-11T10:45:00+00:00"
    assert out["status"] == "confirmed"
    assert out["course"] is None
    assert Appointment.objects.get().source == Source.API
    other = Patient.objects.create(
        site=site_a, given_name="Cy", family_name="Cole", date_of_birth=dt.date(1991, 2, 2)
    )
    again = call("POST", "/api/v1/appointments", {**body, "patient": other.pk})
    assert again.status_code == 409
    assert again.json()["taken"] == "practitioner"
    assert "error" in again.json()
    outside = call("POST", "/api/v1/appointments", {**body, "start": "2027-01-11T07:00:00Z"})
    assert outside.status_code == 409
    naive = call("POST", "/api/v1/appointments", {**body, "start": "2027-01-11T10:00:00"})
    assert naive.status_code == 422
    assert "start" in naive.json()["fields"]
    unknown = call("POST", "/api/v1/appointments", {**body, "colour": "red"})
    assert unknown.status_code == 422


def test_it_books_a_course_or_names_the_session(
    api_as: Api, receptionist_a: User, patient_a: Patient, practitioner_a: User
) -> None:
    call = api_as(receptionist_a)
    body = {
        "patient": patient_a.pk,
        "service": "skin_booster",
        "sessions": 3,
        "interval_days": 7,
        "tolerance_days": 0,
        "first_start": "2027-01-11T10:00:00+00:00",
        "practitioner": practitioner_a.pk,
    }
    leave = TimeOff.objects.create(
        site=practitioner_a.sites.get(),
        practitioner=practitioner_a,
        kind="sickness",
        first_day=dt.date(2027, 1, 18),
        last_day=dt.date(2027, 1, 18),
    )
    refused = call("POST", "/api/v1/courses", body)
    assert refused.status_code == 409
    assert refused.json()["session"] == 2
    assert not Appointment.objects.exists()
    leave.delete()
    created = call("POST", "/api/v1/courses", body)
    assert created.status_code == 201, created.content
    assert [a["start"][:10] for a in created.json()["appointments"]] == [
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
    ]
    assert Appointment.objects.count() == 3


def test_it_reschedules_cancels_and_lists(
    api_as: Api, receptionist_a: User, patient_a: Patient, practitioner_a: User
) -> None:
    call = api_as(receptionist_a)
    created = call(
        "POST",
        "/api/v1/appointments",
        {
            "patient": patient_a.pk,
            "service": "skin_booster",
            "practitioner": practitioner_a.pk,
            "start": "2027-01-11T10:00:00Z",
        },
    ).json()
    moved = call(
        "POST",
        f"/api/v1/appointments/{created['id']}/reschedule",
        {"start": "2027-01-12T11:00:00Z"},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == "2027-01-12T11:00:00+00:00"
    listed = call("GET", "/api/v1/appointments?from=2027-01-12&to=2027-01-13").json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == created["id"]
    cancelled = call("POST", f"/api/v1/appointments/{created['id']}/cancel", {"reason": "ill"})
    assert cancelled.json()["status"] == "cancelled"
    assert call("GET", "/api/v1/appointments?from=nonsense").status_code == 422


def test_it_lists_services_and_practitioners(
    api_as: Api, receptionist_a: User, practitioner_a: User, site_a: Site
) -> None:
    call = api_as(receptionist_a)
    services = call("GET", "/api/v1/services").json()
    assert [s["code"] for s in services] == ["skin_booster"]
    assert services[0]["duration_minutes"] == 45
    practitioners = call("GET", "/api/v1/practitioners").json()
    assert practitioners == [
        {
            "id": practitioner_a.pk,
            "name": "Priya Tester",
            "sites": [site_a.pk],
            "qualifications": ["prescriber"],
        }
    ]


def test_managers_set_hours_and_exceptions_others_may_not(
    api_as: Api, manager_a: User, receptionist_a: User, practitioner_a: User, site_a: Site
) -> None:
    hours = {"site": site_a.pk, "hours": [{"weekday": 0, "start": "08:00", "end": "12:00"}]}
    path = f"/api/v1/practitioners/{practitioner_a.pk}/hours"
    assert api_as(receptionist_a)("PUT", path, hours).status_code == 403
    manager = api_as(manager_a)
    put = manager("PUT", path, hours)
    assert put.status_code == 200, put.content
    got = manager("GET", f"{path}?site={site_a.pk}").json()
    assert got["hours"] == [
        {
            "weekday": 0,
            "start": "08:00:00",
            "end": "12:00:00",
            "effective_from": None,
            "effective_to": None,
        }
    ]
    bad = manager(
        "PUT",
        path,
        {"site": site_a.pk, "hours": [{"weekday": 0, "start": "12:00", "end": "08:00"}]},
    )
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["hours[0].end"]
    leave = {
        "site": site_a.pk,
        "kind": "leave",
        "first_day": "2027-01-11",
        "last_day": "2027-01-12",
    }
    epath = f"/api/v1/practitioners/{practitioner_a.pk}/exceptions"
    assert api_as(receptionist_a)("POST", epath, leave).status_code == 403
    added = manager("POST", epath, leave)
    assert added.status_code == 201, added.content
    removed = manager("DELETE", f"{epath}/{added.json()['id']}")
    assert removed.status_code == 204
    assert not TimeOff.objects.exists()


def test_it_refuses_hours_put_on_a_stale_etag(
    manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    client = Client()
    token = bearer(manager_a)["HTTP_AUTHORIZATION"]
    path = f"/api/v1/practitioners/{practitioner_a.pk}/hours"

    def put(body: dict[str, object], tag: str) -> Any:
        headers = {"Authorization": token, "If-Match": tag}
        return client.put(path, body, content_type="application/json", headers=headers)

    got = client.get(f"{path}?site={site_a.pk}", headers={"Authorization": token})
    tag = got.headers["ETag"]
    monday = {"site": site_a.pk, "hours": [{"weekday": 0, "start": "08:00", "end": "12:00"}]}
    tuesday = {"site": site_a.pk, "hours": [{"weekday": 1, "start": "08:00", "end": "12:00"}]}

    first = put(monday, tag)
    stale = put(tuesday, tag)

    assert first.status_code == 200
    assert first.headers["ETag"] != tag
    assert stale.status_code == 409
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert "changed by someone else" in stale.json()["error"]
    assert [r.weekday for r in WorkingHours.objects.all()] == [0]
    fresh = put(tuesday, first.headers["ETag"])
    assert fresh.status_code == 200
    assert [r.weekday for r in WorkingHours.objects.all()] == [1]
