"""The diary in a real browser: a receptionist books a plan's course from the patient's page
and moves one of its sessions by tapping a free time, on a tablet (1024 x 768, touch); the day
grid fits a phone (it scrolls sideways inside itself). Every page is checked with axe-core (no
serious or critical violation) and for Content Security Policy violations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from mesoclinic.accounts.models import Site, User
from mesoclinic.conftest import verified_client
from mesoclinic.core.time import today_in
from mesoclinic.e2e.browser import serious_accessibility_violations, session_cookie
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Course, Room, Service
from mesoclinic.scheduling.tests.conftest import give_hours, plan_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _clinic(site: Site, practitioner: User, patient: Patient) -> dt.date:
    """Hours, rooms, a service and a plan with a course; the Monday two weeks ahead."""
    give_hours(practitioner, site)
    Service.objects.create(
        code="meso",
        name="Mesotherapy session",
        patient_facing_name="Skin treatment",
        duration=dt.timedelta(minutes=45),
        buffer_after=dt.timedelta(minutes=15),
        room_type="treatment",
    )
    Room.objects.create(site=site, name="Room 1", room_type="treatment")
    plan_for(practitioner, patient)
    today = today_in(site.zone)
    return today + dt.timedelta(days=14 - today.weekday())


def _page(browser: Any, live_server: Any, user: User, viewport: dict[str, int]) -> Any:
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=viewport, locale="en-GB", has_touch=True)
    context.set_default_timeout(10_000)
    context.add_cookies([session_cookie(live_server.url, session)])
    page = context.new_page()
    page.csp = []
    page.on(
        "console",
        lambda m: page.csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def _checked(page: Any, what: str) -> None:
    problems = serious_accessibility_violations(page)
    assert problems == [], f"{what}: {problems}"
    assert page.csp == [], f"{what}: {page.csp}"


def test_a_receptionist_books_a_plans_course_and_moves_a_session(
    browser: Any,
    live_server: Any,
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
) -> None:
    monday = _clinic(site_a, practitioner_a, patient_a)
    page = _page(browser, live_server, receptionist_a, TABLET)
    try:
        page.goto(f"{live_server.url}/patients/{patient_a.pk}/")
        page.click("text=Appointments and courses")
        _checked(page, "patient's appointments")
        page.click("text=book this course")
        _checked(page, "course form")
        page.select_option("#id_service", "meso")
        page.fill("#id_first_start", f"{monday}T10:00")
        page.click("text=Book the whole course")
        page.wait_for_url(f"**/diary/patients/{patient_a.pk}/")
        _checked(page, "course booked")
        course = Course.objects.get()
        sessions = list(course.appointments.order_by("start"))
        assert course.plan_id is not None
        assert len(sessions) >= 2
        assert page.locator("table.appointments tbody tr").count() == len(sessions)

        # Move the first session: "Move", then tap a free time on the grid.
        first = sessions[0]
        page.click(f"a[href$='?move={first.pk}']")
        page.wait_for_selector("text=Tap “Move here”")
        _checked(page, "day grid, moving")
        page.click("button:has-text('Move here 14:00')")
        page.wait_for_selector(".messages >> text=Moved")
        _checked(page, "day grid after the move")
        first.refresh_from_db()
        assert first.start.astimezone(site_a.zone).strftime("%H:%M") == "14:00"
        assert page.locator("a.appt", has_text="Alice Anderson").count() == 1
        assert Appointment.objects.count() == len(sessions)
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_day_and_week_fit_the_screen(
    browser: Any,
    live_server: Any,
    receptionist_a: User,
    practitioner_a: User,
    patient_a: Patient,
    site_a: Site,
    viewport: dict[str, int],
) -> None:
    monday = _clinic(site_a, practitioner_a, patient_a)
    page = _page(browser, live_server, receptionist_a, viewport)
    try:
        for path in (f"/diary/{site_a.pk}/{monday}/", f"/diary/{site_a.pk}/week/{monday}/"):
            page.goto(live_server.url + path)
            assert page.evaluate(OVERFLOW) == 0, path
            _checked(page, path)
    finally:
        page.context.close()
