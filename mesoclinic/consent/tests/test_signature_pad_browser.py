"""The signature pad in a real browser (tablet size, touch): draw, sign, see the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.services import site_create, staff_create
from mesoclinic.conftest import verified_client
from mesoclinic.consent.models import ConsentRecord
from mesoclinic.consent.tests.factories import publish
from mesoclinic.e2e.browser import serious_accessibility_violations, session_cookie
from mesoclinic.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("consent_records_removed")]


@pytest.fixture
def signing_url(live_server: Any, page: Any, settings: Settings, tmp_path: Path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    site = site_create(name="Browser Clinic", code="browser")
    staff = staff_create(
        username="pat_practitioner", password="x" * 20, role=Role.PRACTITIONER, sites=[site]
    )
    patient = Patient.objects.create(
        site=site, given_name="Alice", family_name="Anderson", date_of_birth="1984-03-14"
    )
    publish(staff)
    session = verified_client(staff).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([session_cookie(live_server.url, session)])
    return f"{live_server.url}/patients/{patient.pk}/consent/sign/mesotherapy_face/"


def test_it_records_a_signature_drawn_on_the_pad(page: Any, signing_url: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(signing_url)
    canvas = page.locator("canvas")
    assert canvas.is_visible()  # the script shows the pad and chooses "drawn" on a fresh form
    assert page.locator("#id_method_0").is_checked()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(
            box["x"] + 40 + step * 15, box["y"] + 120 + (25 if step % 2 else -25), steps=3
        )
    page.mouse.up()
    page.fill("#id_signed_name", "Alice Anderson")
    page.check("#id_confirmed")
    page.click("#form button[type=submit]")
    page.wait_for_url("**/consent/*/")
    record = ConsentRecord.objects.get()
    assert record.method == "drawn"
    image = page.locator("img.signature-image")
    image.wait_for()
    assert page.evaluate("document.querySelector('img.signature-image').naturalWidth") > 0
    assert violations == []


def test_it_refuses_an_empty_pad_and_keeps_the_name(page: Any, signing_url: str) -> None:
    page.goto(signing_url)
    page.fill("#id_signed_name", "Alice Anderson")
    page.check("#id_confirmed")
    page.click("#form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "Signature is empty" in page.locator(".error-summary").inner_text()
    assert page.input_value("#id_signed_name") == "Alice Anderson"
    assert page.locator("canvas").is_visible()
    assert not ConsentRecord.objects.exists()


def test_it_signs_with_a_typed_name_instead(page: Any, signing_url: str) -> None:
    page.goto(signing_url)
    page.check("#id_method_1")
    assert not page.locator("canvas").is_visible()
    page.fill("#id_signed_name", "Alice Anderson")
    page.check("#id_confirmed")
    page.click("#form button[type=submit]")
    page.wait_for_url("**/consent/*/")
    assert ConsentRecord.objects.get().method == "typed"


def test_it_has_no_serious_accessibility_violations(page: Any, signing_url: str) -> None:
    page.goto(signing_url)
    assert serious_accessibility_violations(page) == []
