"""A practitioner's whole visit in a real browser, on a tablet (1024 x 768, touch).

Sign in with the second factor, register a patient, record a consultation by tapping zones on
the map, generate and edit the plan, take signed consent and photo consent, upload photos on
two dates and compare them. Every page on the way is checked with axe-core (no serious or
critical violation) and for Content Security Policy violations.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.services import site_create, staff_create
from mesoclinic.accounts.tests.helpers import current_code, device_of
from mesoclinic.audit.context import acting_as
from mesoclinic.consent.models import ConsentRecord, PhotoConsent
from mesoclinic.consent.services import consent_template_publish
from mesoclinic.consent.tests.flush import consent_records_removed  # noqa: F401 - a fixture
from mesoclinic.consultations.models import Consultation
from mesoclinic.e2e.browser import serious_accessibility_violations
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.plans.models import PlanEdit, StoredPlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Signed consent cannot be deleted, not even by the test database's clean-up.
    pytest.mark.usefixtures("consent_records_removed"),
]

PASSWORD = "a long demo passphrase for the journey"  # noqa: S105 - test persona password


@pytest.fixture
def practitioner(settings: Settings, tmp_path: Path) -> User:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = site_create(name="Marylebone Skin Clinic", code="marylebone")
    user = staff_create(
        username="nina.nurse",
        password=PASSWORD,
        role=Role.PRACTITIONER,
        sites=[site],
        first_name="Nina",
        last_name="Nurse",
    )
    manager = staff_create(
        username="maya.manager", password=PASSWORD, role=Role.MANAGER, sites=[site]
    )
    with acting_as(manager):  # managers publish the consent wording
        consent_template_publish(
            actor=manager,
            treatment="mesotherapy_face",
            title="Mesotherapy of the face",
            body="Redness, swelling and bruising are common for a few days.",
        )
    return user


class Visit:
    """The page, with a check of every page it lands on."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.csp: list[str] = []
        page.on(
            "console",
            lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def checked(self, what: str) -> None:
        problems = serious_accessibility_violations(self.page)
        assert problems == [], f"{what}: {problems}"
        assert self.csp == [], f"{what}: {self.csp}"


def _jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), (shade, shade - 20, shade - 40)).save(out, format="JPEG")
    return out.getvalue()


def test_a_practitioner_records_a_whole_visit_on_a_tablet(
    page: Any, live_server: Any, practitioner: User, tmp_path: Path
) -> None:
    visit = Visit(page, live_server.url)

    # 1. Sign in: password, then the authenticator set-up, then a code.
    page.goto(live_server.url + "/accounts/login/")
    visit.checked("sign-in")
    page.fill("#id_username", practitioner.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/mfa/**")
    visit.checked("second factor set-up")
    page.fill("#id_code", current_code(device_of(practitioner)))
    page.click("main button[type=submit]")
    page.click("text=I have kept them: continue")
    page.wait_for_url("**/patients/")
    visit.checked("patient list")

    # 2. Register a patient.
    page.goto(live_server.url + "/patients/new/")
    visit.checked("register patient")
    page.fill("#id_given_name", "Grace")
    page.fill("#id_family_name", "Okafor")
    page.fill("#id_date_of_birth", "1986-05-20")
    page.fill("#id_phone", "07700 900456")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    patient = Patient.objects.get(family_name="Okafor")
    visit.checked("patient page")

    # 3. A consultation: pick concerns, then tap zones on the map.
    page.goto(f"{live_server.url}/patients/{patient.pk}/consultations/new/")
    page.wait_for_selector("#zone-map:not([hidden])")
    visit.checked("new consultation")
    page.tap('#zone-map button[data-concern="pigmentation"]')
    assert page.get_attribute('#zone-map button[data-concern="pigmentation"]', "aria-pressed") == (
        "true"
    )
    page.tap('#zone-map [data-zone="cheeks"]')
    page.tap('#zone-map [data-zone="forehead"]')
    assert "marked for Pigmentation" in page.inner_text("#zone-map-status")
    assert page.is_checked('input[name="concern_pigmentation"][value="cheeks"]')
    assert page.is_checked('input[name="concern_pigmentation"][value="forehead"]')
    page.fill("#id_weight_kg", "61")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    consultation = Consultation.objects.get(patient=patient)
    [concern] = consultation.concerns
    assert (concern["concern"], sorted(concern["zones"])) == (
        "pigmentation",
        ["cheeks", "forehead"],
    )
    visit.checked("consultation")

    # 4. The plan, shown on the map, then one value changed with a reason.
    page.get_by_role("button", name="Generate a plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = StoredPlan.objects.get(consultation=consultation)
    assert page.locator('text[data-label-zone="cheeks"]').count() == 1
    assert page.locator(".verdict-suitable_with_cautions, .verdict-suitable").count() >= 1
    visit.checked("plan")
    page.goto(page.url + "edit/")
    visit.checked("plan edit")
    page.select_option("#id_path", "areas[0].points")
    page.fill("#id_value", "30")
    page.fill("#id_reason", "Measured at the visit: 30 points at 1 cm over the malar area.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    edit = PlanEdit.objects.get(plan=plan)
    assert (edit.path, edit.new_value) == ("areas[0].points", 30)
    assert "30 points at 1 cm" in page.content()

    # 5. Consent, signed with a finger on the pad.
    page.goto(f"{live_server.url}/patients/{patient.pk}/consent/sign/mesotherapy_face/")
    visit.checked("consent")
    canvas = page.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(box["x"] + 40 + step * 15, box["y"] + 120 + (25 if step % 2 else -25))
    page.mouse.up()
    page.fill("#id_signed_name", "Grace Okafor")
    page.check("#id_confirmed")
    page.click("#form button[type=submit]")
    page.wait_for_url(re.compile(r"/consent/\d+/$"))
    assert ConsentRecord.objects.get(patient=patient).method == "drawn"
    visit.checked("signed consent")

    # 6. Photo consent (clinical record only), then two photos at the same angle.
    page.goto(f"{live_server.url}/patients/{patient.pk}/consent/photo/")
    visit.checked("photo consent")
    page.check("#id_clinical_record")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert PhotoConsent.objects.get(patient=patient).clinical_record
    for taken_on, shade in (("2026-09-01", 150), ("2026-11-01", 210)):
        page.goto(f"{live_server.url}/patients/{patient.pk}/photos/upload/")
        page.check('input[name="angle"][value="front"]')
        page.fill("#id_taken_on", taken_on)
        photo = tmp_path / f"front-{taken_on}.jpg"
        photo.write_bytes(_jpeg(shade))
        page.set_input_files("#id_file", str(photo))
        page.click("#form button[type=submit]")
        page.wait_for_url(f"**/patients/{patient.pk}/photos/**")
    assert Photo.objects.filter(patient=patient).count() == 2
    visit.checked("photos")

    # 7. Side by side: the earliest and latest at that angle, both images loaded.
    page.goto(f"{live_server.url}/patients/{patient.pk}/photos/compare/?angle=front")
    images = page.locator("main img")
    assert images.count() == 2
    for index in range(2):
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    visit.checked("compare")
