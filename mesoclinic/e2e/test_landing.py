from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from mesoclinic.e2e.browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_renders_the_landing_page_without_accessibility_violations(
    page: Any, live_server: Any
) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Mesotherapy, explained honestly"
    assert serious_accessibility_violations(page) == []


def test_it_sends_a_content_security_policy_that_the_page_obeys(
    page: Any, live_server: Any, settings: Settings
) -> None:
    # The docs page's script and styles are what is checked here; who may open it is
    # core/tests/test_api.py's concern.
    settings.API_DOCS_PUBLIC = True
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response is not None
    assert response.status == 200
    page.wait_for_selector(".swagger-ui", state="attached")
    assert violations == []
