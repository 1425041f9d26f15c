"""The sign-in journey in a real browser: CSP obeyed, no serious accessibility violations.

Drives Debian's Chromium through Playwright like ``mesoclinic/e2e``. The browser here lives for
this module only: Playwright's sync API allows one instance at a time, and e2e's own
session-wide browser starts after this module has closed its one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tests.helpers import current_code, device_of
from mesoclinic.conftest import PASSWORD
from mesoclinic.e2e.conftest import (  # noqa: F401 - `page` is a fixture, used by name
    CHROMIUM_ARGS,
    chromium_path,
    page,
    serious_accessibility_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # As in e2e: the ORM is used synchronously beside Playwright's event loop. Unset again
    # afterwards: later tests start subprocesses (the deploy check) that must not inherit it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield instance
            instance.close()


def test_a_member_signs_in_and_sets_up_the_app_without_csp_or_accessibility_problems(
    page: Any,  # noqa: F811 - the fixture imported above
    live_server: Any,
    practitioner_a: User,
) -> None:
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(live_server.url + "/accounts/login/")
    assert serious_accessibility_violations(page) == []
    page.fill("#id_username", practitioner_a.username)
    page.fill("#id_password", "wrong")
    page.click("main button[type=submit]")
    # The error summary takes the focus, so a screen reader announces it first.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert serious_accessibility_violations(page) == []

    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/mfa/")
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert serious_accessibility_violations(page) == []

    page.fill("#id_code", current_code(device_of(practitioner_a)))
    page.click("main button[type=submit]")
    page.wait_for_url("**/patients/")
    page.goto(live_server.url + "/accounts/tokens/")
    page.fill("#id_name", "Reporting")
    page.click("text=Make token")
    # localhost is a secure context, so the clipboard API is there and the button shows.
    assert page.locator("[data-copy-target]").is_visible()
    assert serious_accessibility_violations(page) == []
    assert csp_violations == []
