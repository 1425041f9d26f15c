"""The patient and audit pages in a real browser: accessible, obeying the CSP, tablet-sized.

Each test runs its browser steps in a thread of its own, with its own Playwright: the suite's
e2e tests keep a session-wide Playwright on the main thread, and Playwright's sync API allows
one per thread. The database is prepared on the main thread; the browser only talks HTTP.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

import pytest
from django.conf import settings

from mesoclinic.accounts.models import User
from mesoclinic.conftest import verified_client
from mesoclinic.e2e.browser import (
    CHROMIUM_ARGS,
    TABLET,
    chromium_path,
    serious_accessibility_violations,
    session_cookie,
)
from mesoclinic.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
T = TypeVar("T")
# Visible links, buttons and inputs (checkboxes aside: their label is the target) under 44px.
TOO_SMALL_TO_TOUCH = """() =>
    [...document.querySelectorAll('main a, main button, main input, main select')]
    .filter(e => e.offsetParent !== null && e.type !== 'checkbox')
    .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])
    .filter(([, height]) => height < 44)"""


def _in_browser(
    live_server: Any, user: User, steps: Callable[[Any, str], T]
) -> tuple[T, list[str]]:
    """Run ``steps(page, base_url)`` signed in as ``user``; return its result and CSP reports."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    outcome: dict[str, Any] = {}
    csp: list[str] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport=cast(Any, TABLET), has_touch=True, locale="en-GB"
                )
                context.set_default_timeout(10_000)
                context.add_cookies([session_cookie(live_server.url, session)])
                page = context.new_page()
                page.on(
                    "console",
                    lambda message: (
                        csp.append(message.text)
                        if "Content Security Policy" in message.text
                        else None
                    ),
                )
                outcome["value"] = steps(page, live_server.url)
                browser.close()
        except BaseException as error:  # re-raised on the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], csp


def test_the_patient_pages_are_accessible_and_obey_the_csp(
    live_server: Any, manager_a: User, patient_a: Patient
) -> None:
    paths = [
        "/patients/",
        "/patients/?q=and",
        "/patients/?q=31/02/1984",
        f"/patients/{patient_a.pk}/",
        f"/patients/{patient_a.pk}/edit/",
        f"/patients/{patient_a.pk}/archive/",
        "/patients/new/",
        "/audit/",
        "/audit/?date_from=2026-02-30",
    ]

    def steps(page: Any, base: str) -> dict[str, Any]:
        found = {}
        for path in paths:
            page.goto(base + path)
            found[path] = (page.locator("h1").count(), serious_accessibility_violations(page))
        return found

    found, csp = _in_browser(live_server, manager_a, steps)
    assert found == {path: (1, []) for path in paths}
    assert csp == []


def test_a_failed_registration_moves_focus_to_the_error_summary(
    live_server: Any, receptionist_a: User
) -> None:
    def steps(page: Any, base: str) -> dict[str, str]:
        page.goto(base + "/patients/new/")
        page.fill("#id_given_name", "Carla")
        page.fill("#id_date_of_birth", "31/02/1991")
        page.click("form.patient-form button[type=submit]")
        summary = page.locator("[data-error-summary]").inner_text()
        # Functions, not expressions: Playwright evaluates expressions with eval(), which the
        # CSP rightly forbids.
        page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
        typed = {name: page.input_value(f"#id_{name}") for name in ("given_name", "date_of_birth")}
        page.click("text=Family name: enter a value; it was left empty.")
        return {
            "summary": summary,
            **typed,
            "focus": page.evaluate("() => document.activeElement.id"),
        }

    seen, csp = _in_browser(live_server, receptionist_a, steps)
    assert "Date of birth: “31/02/1991” is not a date" in seen["summary"]
    assert (seen["given_name"], seen["date_of_birth"]) == ("Carla", "31/02/1991")
    assert seen["focus"] == "id_family_name"
    assert csp == []


def test_links_and_buttons_are_big_enough_to_touch(
    live_server: Any, manager_a: User, patient_a: Patient
) -> None:
    paths = [
        "/patients/",
        f"/patients/{patient_a.pk}/",
        f"/patients/{patient_a.pk}/edit/",
        "/patients/new/",
        "/audit/",
    ]

    def steps(page: Any, base: str) -> dict[str, list[Any]]:
        page.goto(f"{base}/patients/{patient_a.pk}/")  # an audit row with a patient link
        small = {}
        for path in paths:
            page.goto(base + path)
            small[path] = page.evaluate(TOO_SMALL_TO_TOUCH)
        return small

    small, _ = _in_browser(live_server, manager_a, steps)
    assert small == {path: [] for path in paths}
