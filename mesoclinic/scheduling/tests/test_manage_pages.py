"""The managers' schedule setup pages, through the real client and database: rooms, services,
weekly hours and exceptions; refusals name the field and the value and save nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import AuditEvent
from mesoclinic.core.time import today_in
from mesoclinic.scheduling.models import Room, Service, TimeOff, TimeOffKind, WorkingHours
from mesoclinic.scheduling.tests.conftest import give_hours

ClientFor = Callable[[User], Client]
MANAGE = "/diary/manage/"


def text(response: Any) -> str:
    return str(response.content.decode())


def field_errors(response: object, field: str) -> str:
    """The error list under one field (core/_field.html renders it as ``id_<field>_error``)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', text(response))
    return found.group(1) if found else ""


def rooms_url(site: Site) -> str:
    return f"{MANAGE}sites/{site.pk}/rooms/"


def hours_url(site: Site, practitioner: User) -> str:
    return f"{MANAGE}sites/{site.pk}/practitioners/{practitioner.pk}/hours/"


def exceptions_url(site: Site) -> str:
    return f"{MANAGE}sites/{site.pk}/exceptions/"


SERVICE = {
    "code": "lip_hydration",
    "name": "Lip hydration, hyaluronic acid",
    "patient_facing_name": "Lip hydration",
    "duration": "40",
    "buffer_before": "5",
    "buffer_after": "15",
    "room_type": "treatment",
    "active": "on",
}


def week(rows: dict[int, tuple[str, str]], **dates: str) -> dict[str, str]:
    """The hours form as a browser posts it: weekdays 0-6, blank where not in ``rows``."""
    data = {
        "hours-TOTAL_FORMS": "7",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "28",
    }
    for weekday in range(7):
        start, end = rows.get(weekday, ("", ""))
        data |= {
            f"hours-{weekday}-weekday": str(weekday),
            f"hours-{weekday}-start": start,
            f"hours-{weekday}-end": end,
            f"hours-{weekday}-effective_from": dates.get(f"from_{weekday}", ""),
            f"hours-{weekday}-effective_to": "",
        }
    return data


def test_it_shows_the_overview_with_each_site_and_its_links(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    Room.objects.create(site=site_a, name="Room 1", room_type="treatment", active=False)
    response = client_for(manager_a).get(MANAGE)
    assert response.status_code == 200
    page = text(response)
    assert site_a.name in page
    assert "Room 1" in page
    assert "not in use" in page
    assert hours_url(site_a, practitioner_a) in page
    assert exceptions_url(site_a) in page
    assert 'href="/diary/manage/">Schedule setup</a>' in page


def test_it_adds_a_room_and_edits_it(client_for: ClientFor, manager_a: User, site_a: Site) -> None:
    client = client_for(manager_a)
    response = client.post(
        f"{rooms_url(site_a)}new/", {"name": " Room 3 ", "room_type": "treatment", "active": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == rooms_url(site_a)
    room = Room.objects.get(site=site_a)
    assert (room.name, room.room_type, room.active) == ("Room 3", "treatment", True)

    response = client.post(
        f"{rooms_url(site_a)}{room.pk}/", {"name": "Room 3", "room_type": "consultation"}
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.room_type, room.active) == ("consultation", False)
    events = AuditEvent.objects.filter(object_type="room", object_id=str(room.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]
    assert "Room 3" in text(client.get(rooms_url(site_a)))


def test_it_refuses_a_room_name_in_use_naming_the_field_and_the_name(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    Room.objects.create(site=site_a, name="Room 1", room_type="treatment")
    response = client_for(manager_a).post(
        f"{rooms_url(site_a)}new/", {"name": "room 1", "room_type": "treatment", "active": "on"}
    )
    assert response.status_code == 200
    errors = field_errors(response, "name")
    assert "Name:" in errors
    assert "room 1" in errors
    assert site_a.name in errors
    assert 'id="error-summary"' in text(response)
    assert Room.objects.count() == 1


def test_it_refuses_a_room_type_that_is_no_slug_and_saves_nothing(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    response = client_for(manager_a).post(
        f"{rooms_url(site_a)}new/", {"name": "Room 9", "room_type": "treat ment"}
    )
    assert response.status_code == 200
    assert "Room type:" in field_errors(response, "room_type")
    assert "treat ment" in field_errors(response, "room_type")
    assert not Room.objects.exists()


def test_it_adds_a_service_in_minutes(client_for: ClientFor, manager_a: User) -> None:
    response = client_for(manager_a).post(f"{MANAGE}services/new/", SERVICE)
    assert response.status_code == 302
    service = Service.objects.get(code="lip_hydration")
    assert service.duration == dt.timedelta(minutes=40)
    assert (service.buffer_before, service.buffer_after) == (
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=15),
    )
    assert (service.room_type, service.needs_prescriber, service.active) == (
        "treatment",
        False,
        True,
    )
    assert AuditEvent.objects.filter(object_type="service", action="create").count() == 1


def test_it_refuses_a_patient_facing_name_naming_a_prescription_only_medicine(
    client_for: ClientFor, manager_a: User
) -> None:
    data = SERVICE | {"code": "txa", "patient_facing_name": "TXA brightening"}
    response = client_for(manager_a).post(f"{MANAGE}services/new/", data)
    assert response.status_code == 200
    errors = field_errors(response, "patient_facing_name")
    assert errors.startswith("<li>Patient-facing name: public pages may not name")
    assert "TXA brightening" in errors
    assert "Tranexamic acid" in errors
    assert not Service.objects.exists()


def test_it_refuses_a_duration_of_no_minutes_naming_the_value(
    client_for: ClientFor, manager_a: User
) -> None:
    response = client_for(manager_a).post(f"{MANAGE}services/new/", SERVICE | {"duration": "0"})
    assert response.status_code == 200
    errors = field_errors(response, "duration")
    assert "Duration (minutes):" in errors
    assert "(you entered “0”)" in errors
    assert not Service.objects.exists()


def test_it_refuses_to_add_a_service_with_a_code_in_use(
    client_for: ClientFor, manager_a: User, service: Service
) -> None:
    data = SERVICE | {"code": service.code, "name": "Something else"}
    response = client_for(manager_a).post(f"{MANAGE}services/new/", data)
    assert response.status_code == 200
    assert service.code in field_errors(response, "code")
    service.refresh_from_db()
    assert service.name == "Skin booster, face"


def test_it_edits_a_service_and_keeps_its_code(
    client_for: ClientFor, manager_a: User, service: Service
) -> None:
    url = f"{MANAGE}services/{service.pk}/"
    client = client_for(manager_a)
    assert 'value="45"' in text(client.get(url))  # the stored 45 minutes, shown in minutes
    response = client.post(url, SERVICE | {"code": "renamed", "needs_prescriber": "on"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.code, service.name, service.needs_prescriber) == (
        "skin_booster",
        "Lip hydration, hyaluronic acid",
        True,
    )
    assert Service.objects.count() == 1


def test_it_sets_a_week_of_hours_and_blank_days_are_days_off(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    give_hours(practitioner_a, site_a)  # Monday to Saturday 09:00-17:00
    client = client_for(manager_a)
    page = text(client.get(hours_url(site_a, practitioner_a)))
    assert page.count('type="time"') == 14
    assert 'value="09:00"' in page

    data = week({0: ("08:30", "16:00"), 2: ("12:00", "00:00")}, from_2="2027-03-01")
    response = client.post(hours_url(site_a, practitioner_a), data)
    assert response.status_code == 302
    rows = WorkingHours.objects.filter(practitioner=practitioner_a, site=site_a)
    assert sorted((r.weekday, r.start, r.end, r.effective_from) for r in rows) == [
        (0, dt.time(8, 30), dt.time(16), None),
        (2, dt.time(12), dt.time(0), dt.date(2027, 3, 1)),
    ]
    assert AuditEvent.objects.filter(object_type="working_hours", action="update").exists()


def test_it_refuses_hours_that_end_before_they_start_and_keeps_the_old_week(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    give_hours(practitioner_a, site_a)
    data = week({0: ("09:00", "17:00"), 3: ("14:00", "13:00")})
    response = client_for(manager_a).post(hours_url(site_a, practitioner_a), data)
    assert response.status_code == 200
    errors = field_errors(response, "hours-3-end")
    assert "Thursday end:" in errors
    assert "13:00" in errors
    assert WorkingHours.objects.filter(practitioner=practitioner_a).count() == 6


def test_it_refuses_a_time_that_is_no_time_naming_the_day_and_the_value(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    data = week({1: ("25:00", "17:00")})
    response = client_for(manager_a).post(hours_url(site_a, practitioner_a), data)
    assert response.status_code == 200
    errors = field_errors(response, "hours-1-start")
    assert "Tuesday start:" in errors
    assert "25:00" in errors
    assert not WorkingHours.objects.exists()


def test_it_adds_and_removes_exceptions_public_holidays_included(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    client = client_for(manager_a)
    day = today_in(site_a.zone) + dt.timedelta(days=10)
    leave = {
        "kind": TimeOffKind.LEAVE,
        "practitioner": str(practitioner_a.pk),
        "first_day": day.isoformat(),
        "last_day": (day + dt.timedelta(days=4)).isoformat(),
        "note": "Annual leave",
    }
    response = client.post(exceptions_url(site_a), leave)
    assert response.status_code == 302
    holiday = {"kind": TimeOffKind.PUBLIC_HOLIDAY, "first_day": day.isoformat()}
    assert client.post(exceptions_url(site_a), holiday).status_code == 302
    rows = {row.kind: row for row in TimeOff.objects.filter(site=site_a)}
    assert rows[TimeOffKind.LEAVE].practitioner_id == practitioner_a.pk
    assert rows[TimeOffKind.PUBLIC_HOLIDAY].practitioner_id is None
    assert rows[TimeOffKind.PUBLIC_HOLIDAY].last_day == day  # blank last day: one day

    page = text(client.get(exceptions_url(site_a)))
    assert "Annual leave" in page
    assert "Whole site" in page

    for row in rows.values():
        url = f"{exceptions_url(site_a)}{row.pk}/remove/"
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 302
    assert not TimeOff.objects.exists()
    removed = AuditEvent.objects.filter(object_type="time_off", action="update")
    assert removed.count() == 2


def test_it_refuses_an_exception_ending_before_it_starts_and_saves_nothing(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    data = {
        "kind": TimeOffKind.SICKNESS,
        "practitioner": str(practitioner_a.pk),
        "first_day": "2027-05-10",
        "last_day": "2027-05-03",
    }
    response = client_for(manager_a).post(exceptions_url(site_a), data)
    assert response.status_code == 200
    errors = field_errors(response, "last_day")
    assert "Last day:" in errors
    assert "2027-05-03" in errors
    assert not TimeOff.objects.exists()


def test_it_refuses_a_practitioner_on_a_public_holiday(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    data = {
        "kind": TimeOffKind.PUBLIC_HOLIDAY,
        "practitioner": str(practitioner_a.pk),
        "first_day": "2027-05-03",
    }
    response = client_for(manager_a).post(exceptions_url(site_a), data)
    assert response.status_code == 200
    assert "Practitioner: a public holiday is the whole site" in field_errors(
        response, "practitioner"
    )
    assert not TimeOff.objects.exists()


def test_it_does_not_remove_another_sites_exception(
    client_for: ClientFor, manager_a: User, site_a: Site, site_b: Site
) -> None:
    other = TimeOff.objects.create(
        site=site_b,
        kind=TimeOffKind.PUBLIC_HOLIDAY,
        first_day=dt.date(2027, 5, 3),
        last_day=dt.date(2027, 5, 3),
    )
    client = client_for(manager_a)
    assert client.post(f"{exceptions_url(site_a)}{other.pk}/remove/").status_code == 404
    assert client.post(f"{exceptions_url(site_b)}{other.pk}/remove/").status_code == 404
    assert TimeOff.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        MANAGE,
        f"{MANAGE}services/",
        f"{MANAGE}services/new/",
        "rooms",
        "room_new",
        "hours",
        "exceptions",
    ],
)
def test_it_refuses_a_receptionist(
    path: str,
    client_for: ClientFor,
    receptionist_a: User,
    practitioner_a: User,
    site_a: Site,
) -> None:
    path = {
        "rooms": rooms_url(site_a),
        "room_new": f"{rooms_url(site_a)}new/",
        "hours": hours_url(site_a, practitioner_a),
        "exceptions": exceptions_url(site_a),
    }.get(path, path)
    client = client_for(receptionist_a)
    assert client.get(path).status_code == 403
    posted = {"name": "Room 5", "room_type": "treatment", "kind": "public_holiday"}
    assert client.post(path, posted | SERVICE | week({0: ("09:00", "17:00")})).status_code in {
        403,
        405,
    }
    assert not Room.objects.exists()
    assert not Service.objects.exists()
    assert not WorkingHours.objects.exists()
    assert not TimeOff.objects.exists()


def test_it_shows_the_schedule_setup_link_to_managers_only(
    client_for: ClientFor, manager_a: User, receptionist_a: User
) -> None:
    link = '<a href="/diary/manage/">Schedule setup</a>'
    assert link in text(client_for(manager_a).get("/patients/"))
    assert link not in text(client_for(receptionist_a).get("/patients/"))


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the hours form carries the week's version"
    return found.group(1)


def test_it_refuses_a_week_saved_meanwhile_and_keeps_what_was_typed(
    client_for: ClientFor,
    manager_a: User,
    practitioner_a: User,
    site_a: Site,
) -> None:
    give_hours(practitioner_a, site_a)
    url = hours_url(site_a, practitioner_a)
    client = client_for(manager_a)
    opened = _version(text(client.get(url)))
    # A colleague saves first, from the same page.
    first = client.post(url, week({0: ("10:00", "14:00")}) | {"version": opened})
    assert first.status_code == 302

    late = client.post(url, week({4: ("07:15", "11:45")}) | {"version": opened})

    assert late.status_code == 409
    page = text(late)
    assert "changed by someone else" in page
    assert "The week as saved now" in page
    assert "Monday 10:00 to 14:00" in page
    assert 'value="07:15"' in page
    assert 'value="11:45"' in page
    rows = WorkingHours.objects.filter(practitioner=practitioner_a, site=site_a)
    assert [(r.weekday, r.start, r.end) for r in rows] == [(0, dt.time(10), dt.time(14))]
    # Saving again, knowingly, from the page that showed both.
    again = client.post(url, week({4: ("07:15", "11:45")}) | {"version": _version(page)})
    assert again.status_code == 302
    assert [(r.weekday, r.start) for r in rows.all()] == [(4, dt.time(7, 15))]


def test_it_adds_a_second_period_on_a_day_keeping_what_was_typed(
    client_for: ClientFor, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    url = hours_url(site_a, practitioner_a)
    client = client_for(manager_a)
    typed = week({0: ("09:00", "12:00"), 3: ("10:00", "16:00")})

    added = client.post(url, typed | {"add": "0"})

    assert added.status_code == 200
    page = text(added)
    assert page.count('type="time"') == 16  # 7 days and the new period, start and end each
    assert 'value="09:00"' in page
    assert 'value="16:00"' in page
    assert 'name="hours-7-weekday" value="0"' in page
    # The new period sits with Monday, before Tuesday.
    assert page.index("hours-7-start") < page.index("hours-1-start")
    assert not WorkingHours.objects.exists()  # nothing saved yet

    split = typed | {
        "hours-TOTAL_FORMS": "8",
        "hours-7-weekday": "0",
        "hours-7-start": "14:00",
        "hours-7-end": "18:00",
        "hours-7-effective_from": "",
        "hours-7-effective_to": "",
    }
    assert client.post(url, split).status_code == 302
    rows = WorkingHours.objects.filter(practitioner=practitioner_a, site=site_a)
    assert sorted((r.weekday, r.start, r.end) for r in rows) == [
        (0, dt.time(9), dt.time(12)),
        (0, dt.time(14), dt.time(18)),
        (3, dt.time(10), dt.time(16)),
    ]
