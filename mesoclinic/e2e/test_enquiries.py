"""An enquiry from a phone, then reception converting it on a tablet, in a real browser.

The person answers "Is this right for you?" on the clinic's site (hair loss on the scalp, fine
lines at the crow's feet), reads the answer, opens the enquiry form from it with the answers
attached, mistypes the phone, corrects it and sends; a
receptionist sees the header's count, finds the enquiry in the inbox and converts it into a
new patient. Every page is checked with axe-core (no serious or critical violation) and for
sideways overflow.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Site, User
from mesoclinic.conftest import verified_client
from mesoclinic.e2e.browser import serious_accessibility_violations, session_cookie
from mesoclinic.enquiries.models import Enquiry, Status
from mesoclinic.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _checked(page: Any) -> None:
    assert page.evaluate(OVERFLOW) == 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def test_a_person_enquires_from_a_phone_and_reception_converts_it(
    browser: Any, live_server: Any, site_a: Site, receptionist_a: User, settings: Settings
) -> None:
    settings.ENQUIRY_MIN_FILL_SECONDS = 0  # the browser types faster than a person
    phone = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    # From the clinic's home, through the self-assessment and its answer, to the enquiry.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Is this right for you?").first.tap()
    page.wait_for_url("**/start/")
    page.get_by_label("Your age").fill("41")
    page.get_by_label("Thinning hair (pattern hair loss)").tap()
    page.get_by_label("Fine lines").tap()
    page.get_by_label("Scalp").tap()
    page.get_by_label("Crow's feet (outer corners of the eyes)").tap()
    page.get_by_role("button", name="See my answer").tap()
    page.wait_for_url("**/start/answer/?answers=*")
    assert "These can be treated together in one course" in page.locator("main").inner_text()
    page.get_by_role("link", name="Ask for a consultation").tap()
    page.wait_for_url("**/enquiry/?answers=*")
    attached = page.locator(".answers-attached")
    assert "Thinning hair (pattern hair loss)" in attached.inner_text()
    assert "Crow's feet (outer corners of the eyes)" in attached.inner_text()
    _checked(page)

    page.get_by_label("Your name").fill("Jane Q Public")
    page.get_by_label("Phone", exact=True).fill("12ab")
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("I agree that the clinic may contact me").check()
    page.get_by_role("button", name="Send").click()
    summary = page.locator("#error-summary")
    assert "Phone: “12ab” is not a phone number" in summary.inner_text()
    assert page.get_by_label("Your name").input_value() == "Jane Q Public"
    assert page.get_by_label("Weekday evenings").is_checked()
    assert Enquiry.objects.count() == 0
    _checked(page)

    page.get_by_label("Phone", exact=True).fill("07700 900456")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/enquiry/sent/$"))
    assert "What happens next" in page.content()
    _checked(page)
    phone.close()
    enquiry = Enquiry.objects.get()
    assert (enquiry.phone, enquiry.answers is not None) == ("+447700900456", True)

    session = verified_client(receptionist_a).cookies[settings.SESSION_COOKIE_NAME].value
    tablet = browser.new_context(viewport=TABLET, locale="en-GB", has_touch=True)
    tablet.set_default_timeout(10_000)
    tablet.add_cookies([session_cookie(live_server.url, session)])
    page = tablet.new_page()
    page.goto(f"{live_server.url}/patients/")
    link = page.get_by_role("link", name=re.compile(r"^Enquiries 1 new"))
    assert link.is_visible()
    link.click()
    page.wait_for_url(re.compile(r"/enquiries/$"))
    _checked(page)
    page.get_by_role("link", name="Jane Q Public").click()
    assert "Hair loss" in page.locator("#answers-title").locator("..").inner_text()
    _checked(page)
    page.get_by_role("link", name="Convert into a patient").click()
    _checked(page)
    assert page.get_by_label("Given name").input_value() == "Jane Q"
    assert page.get_by_label("Family name").input_value() == "Public"
    page.get_by_label("Date of birth").fill("02/05/1985")
    page.get_by_role("button", name="Register and convert").click()
    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    _checked(page)
    tablet.close()

    patient = Patient.objects.get(family_name="Public")
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.patient) == (Status.CONVERTED, patient)

    # Reception on a phone: the inbox and the enquiry fit the screen too.
    small = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    small.add_cookies([session_cookie(live_server.url, session)])
    page = small.new_page()
    for path in ("/enquiries/?status=converted", f"/enquiries/{enquiry.pk}/"):
        page.goto(live_server.url + path)
        _checked(page)
    small.close()
