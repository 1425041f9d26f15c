"""The public self-assessment on a phone (390 x 844), as a visitor would use it: by tapping.

Hair loss on the scalp and fine lines at the crow's feet give one answer with both planned in
one course; a visitor very afraid of needles is shown needle-free options; a visitor under 18
is told kindly that the clinic cannot treat them. Every page: no serious or critical axe
violation, no CSP report, nothing wider than the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mesoclinic.e2e.browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True, is_mobile=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    csp: list[str] = []
    tab.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    yield tab, csp
    context.close()


def assert_fits_and_accessible(page: Any) -> None:
    assert page.evaluate(OVERFLOW) == 0
    assert serious_accessibility_violations(page) == []


def test_it_answers_hair_loss_and_crow_s_feet_with_one_course(
    phone: tuple[Any, list[str]], live_server: Any
) -> None:
    page, csp = phone
    page.goto(live_server.url + "/")
    assert_fits_and_accessible(page)
    page.get_by_role("link", name="Is this right for you?").first.tap()
    page.wait_for_url("**/start/")
    assert_fits_and_accessible(page)
    page.get_by_label("Your age").fill("45")
    page.get_by_label("Thinning hair (pattern hair loss)").tap()
    page.get_by_label("Fine lines").tap()
    page.get_by_label("Scalp").tap()
    page.get_by_label("Crow's feet (outer corners of the eyes)").tap()
    # The map marks what was ticked (the script is an enhancement only).
    assert page.locator('.marker.chosen[data-zone="periorbital_lateral"]').count() == 1
    page.get_by_role("button", name="See my answer").tap()
    page.wait_for_url("**/start/answer/?answers=*")
    main = page.locator("main")
    assert "Thinning hair (pattern hair loss) on the scalp" in main.inner_text()
    assert "Fine lines on the crow's feet" in main.inner_text()
    assert "These can be treated together in one course" in main.inner_text()
    assert "If needles worry you" not in main.inner_text()
    assert (
        page.get_by_role("link", name="Ask for a consultation")
        .get_attribute("href")
        .startswith("/enquiry/?answers=")
    )
    assert_fits_and_accessible(page)
    assert csp == []


def test_it_offers_needle_free_options_to_someone_afraid_of_needles(
    phone: tuple[Any, list[str]], live_server: Any
) -> None:
    page, csp = phone
    page.goto(live_server.url + "/start/")
    page.get_by_label("Your age").fill("33")
    page.get_by_label("Thinning hair (pattern hair loss)").tap()
    page.get_by_label("Scalp").tap()
    page.get_by_label("I am very afraid of needles").tap()
    page.get_by_role("button", name="See my answer").tap()
    page.wait_for_url("**/start/answer/?answers=*")
    text = page.locator("main").inner_text()
    assert "Options without needles, strongest evidence first" in text
    assert "Low-level laser therapy for thinning hair" in text
    assert_fits_and_accessible(page)
    assert csp == []


def test_it_tells_someone_under_18_kindly_and_offers_no_treatment(
    phone: tuple[Any, list[str]], live_server: Any
) -> None:
    page, csp = phone
    page.goto(live_server.url + "/start/")
    page.get_by_label("Your age").fill("16")
    page.get_by_role("button", name="See my answer").tap()
    page.wait_for_url("**/start/answer/?answers=*")
    text = page.locator("main").inner_text()
    assert "We cannot treat anyone under 18" in text
    assert page.locator('a[href^="/enquiry/"]').count() == 0
    assert_fits_and_accessible(page)
    assert csp == []


def test_it_keeps_what_was_typed_when_the_age_is_not_a_number(
    phone: tuple[Any, list[str]], live_server: Any
) -> None:
    page, _ = phone
    page.goto(live_server.url + "/start/")
    page.get_by_label("Your age").fill("abc")
    page.get_by_label("Fine lines").tap()
    page.get_by_label("Cheeks").tap()
    page.get_by_role("button", name="See my answer").tap()
    page.wait_for_selector("#error-summary")
    assert "Your age: Enter a whole number." in page.locator("#error-summary").inner_text()
    assert page.get_by_label("Your age").input_value() == "abc"
    assert page.get_by_label("Cheeks").is_checked()
    assert_fits_and_accessible(page)


@pytest.mark.parametrize("path", ["/info/", "/info/what-is-mesotherapy/", "/info/safety/"])
def test_the_information_pages_fit_a_phone(
    phone: tuple[Any, list[str]], live_server: Any, path: str
) -> None:
    page, csp = phone
    page.goto(live_server.url + path)
    assert_fits_and_accessible(page)
    assert csp == []
