"""The sign-in journey in a real browser: CSP obeyed, no serious accessibility violations.

Drives Debian's Chromium through Playwright with the fixtures of ``mesoclinic/e2e``.
"""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tests.helpers import current_code, device_of
from mesoclinic.conftest import PASSWORD
from mesoclinic.e2e.browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_sets_up_the_app_without_csp_or_accessibility_problems(
    page: Any,
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
    # The error summary takes the focus, so a screen reader announces it first. The click only
    # starts the new page: wait for it to load (its script has run by then), then look.
    page.wait_for_selector("#error-summary")
    page.wait_for_load_state("load")
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
    page.click("text=I have kept them: continue")
    page.wait_for_url("**/patients/")
    page.goto(live_server.url + "/accounts/tokens/")
    page.fill("#id_name", "Reporting")
    page.fill("#id_password", PASSWORD)
    page.click("text=Make token")
    # localhost is a secure context, so the clipboard API is there and the button shows.
    assert page.locator("[data-copy-target]").is_visible()
    assert serious_accessibility_violations(page) == []
    assert csp_violations == []
