"""The pages staff open most, on a phone (390 x 844) and a tablet: nothing wider than the screen.

A single long value (a name pasted whole, at the most the database holds, with no space to
break at) must wrap inside its own row, not widen the list for every patient on it. Each page
is also checked with axe-core (no serious or critical violation) and for CSP violations.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from mesoclinic.accounts.models import Site, User
from mesoclinic.conftest import verified_client
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.e2e.browser import serious_accessibility_violations, session_cookie
from mesoclinic.patients.tests.helpers import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
# Given and family names at their limit (100 characters each), unbroken.
LONG_GIVEN, LONG_FAMILY = "A" * 100, "B" * 100
# How far the page can be scrolled sideways: 0 when nothing overflows.
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _visit(
    browser: Any, live_server: Any, user: User, viewport: dict[str, int], paths: list[str]
) -> tuple[dict[str, tuple[int, list[str]]], list[str]]:
    """(sideways overflow in px, axe problems) per path, and the CSP reports, as ``user``."""
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=viewport, locale="en-GB", has_touch=True)
    context.set_default_timeout(10_000)
    context.add_cookies([session_cookie(live_server.url, session)])
    page = context.new_page()
    csp: list[str] = []
    page.on(
        "console",
        lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    found: dict[str, tuple[int, list[str]]] = {}
    try:
        for path in paths:
            page.goto(live_server.url + path)
            found[path] = (page.evaluate(OVERFLOW), serious_accessibility_violations(page))
    finally:
        context.close()
    return found, csp


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_list_patient_and_plan_pages_fit_the_screen(
    browser: Any, live_server: Any, practitioner_a: User, site_a: Site, viewport: dict[str, int]
) -> None:
    long = make_patient(
        site_a,
        given_name=LONG_GIVEN,
        family_name=LONG_FAMILY,
        phone="07700 900123",
        email=("x" * 60) + "@example.org",
        address="Flat " + "9" * 200,
    )
    other = make_patient(site_a, given_name="Alice", family_name="Anderson")
    plan = make_plan(make_consultation(long, practitioner_a), practitioner_a)
    paths = [
        "/patients/",
        f"/patients/?q={LONG_FAMILY[:10]}",
        f"/patients/{long.pk}/",
        f"/patients/{other.pk}/",
        url("list", patient=long),
        url("detail", plan.consultation),
        url("plan", plan=plan),
        url("plan_edit", plan=plan),
    ]
    found, csp = _visit(browser, live_server, practitioner_a, viewport, paths)
    assert found == {path: (0, []) for path in paths}
    assert csp == []


def test_the_audit_log_fits_a_phone(
    browser: Any, live_server: Any, manager_a: User, practitioner_a: User, site_a: Site
) -> None:
    long = make_patient(site_a, given_name=LONG_GIVEN, family_name=LONG_FAMILY)
    # A manager's reads of the patient fill the log with rows that name them.
    client = verified_client(manager_a)
    client.get(f"/patients/{long.pk}/")
    found, csp = _visit(browser, live_server, manager_a, PHONE, ["/audit/", "/accounts/staff/new/"])
    assert found == {"/audit/": (0, []), "/accounts/staff/new/": (0, [])}
    assert csp == []
