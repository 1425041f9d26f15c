"""The public enquiry form: what is stored, what is refused, and what is said."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Site
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.enquiries.forms import started_token
from mesoclinic.enquiries.models import Enquiry, EnquiryEvent, Status
from mesoclinic.enquiries.tests.helpers import HAIR_AND_LINES, form_data, token
from mesoclinic.public.answers import Answers, answers_sign, answers_to_dict

URL = "/enquiry/"


def test_it_shows_the_form_without_sign_in_and_stores_nothing(site_a: Site) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="website"' in body
    assert "no-store" in response["Cache-Control"]
    assert Enquiry.objects.count() == 0


def test_it_stores_an_enquiry_with_the_answers_and_redirects_to_thanks(site_a: Site) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"{URL}?answers={token()}")
    body = page.content.decode()
    # In the words the person chose from, not the knowledge base's clinical names.
    assert "Thinning hair (pattern hair loss)" in body
    assert "androgenetic" not in body
    csrf = page.cookies[settings.CSRF_COOKIE_NAME].value
    data = form_data(site_a, answers=token(), attach_answers="on", csrfmiddlewaretoken=csrf)
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == "/enquiry/sent/"
    enquiry = Enquiry.objects.get()
    assert enquiry.phone == "+447700900456"
    assert enquiry.answers == answers_to_dict(HAIR_AND_LINES)
    assert enquiry.status == Status.NEW
    assert enquiry.preferred_times == ["weekday_morning"]
    assert EnquiryEvent.objects.get(enquiry=enquiry).to_status == Status.NEW
    audit = AuditEvent.objects.get(object_type="enquiry", action=Action.CREATE)
    assert audit.object_id == str(enquiry.pk)
    assert audit.site_id == site_a.pk
    thanks = client.get(response["Location"])
    assert "What happens next" in thanks.content.decode()
    assert "jane" not in response["Location"].lower()


def test_it_refuses_a_post_without_the_csrf_token(site_a: Site) -> None:
    response = Client(enforce_csrf_checks=True).post(URL, form_data(site_a))
    assert response.status_code == 403
    assert Enquiry.objects.count() == 0


def test_it_sends_without_the_answers_when_the_person_removes_them(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, answers=token()))  # box unticked
    assert response.status_code == 302
    assert Enquiry.objects.get().answers is None


def test_it_names_the_field_and_the_value_of_a_bad_phone_and_keeps_what_was_typed(
    site_a: Site,
) -> None:
    response = Client().post(
        URL, form_data(site_a, phone="12ab", email="", message="Please call after 5")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Phone: “12ab” is not a phone number the clinic can call" in body
    assert 'value="12ab"' in body
    assert 'value="Jane Q Public"' in body
    assert "Please call after 5" in body
    ticked = re.findall(r"<input\b[^>]*\bchecked\b[^>]*>", body)
    assert [tag for tag in ticked if 'value="weekday_morning"' in tag] != []
    assert [tag for tag in ticked if 'name="preferred_times"' in tag] == [
        tag for tag in ticked if 'value="weekday_morning"' in tag
    ]
    assert Enquiry.objects.count() == 0


def test_it_asks_for_an_email_or_a_phone(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, phone="", email=""))
    assert response.status_code == 422
    assert "Email: give an email address or a phone number" in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_it_names_a_bad_email(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, email="jane@", phone=""))
    assert response.status_code == 422
    assert "Email: Enter a valid email address. (you entered “jane@”)" in (
        response.content.decode()
    )


def test_it_needs_the_consent_box_ticked(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, consent_to_contact=None))
    assert response.status_code == 422
    assert "tick the box so that the clinic may contact you" in response.content.decode()
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("typed", ["12ab", "0770", "077009004567", "+44"])
def test_it_refuses_what_is_no_phone_number(site_a: Site, typed: str) -> None:
    response = Client().post(URL, form_data(site_a, phone=typed))
    assert response.status_code == 422
    assert f"Phone: “{typed}” is not a phone number" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900456", "+447700900456"),
        ("+44 (0)7700 900456", "+447700900456"),
        ("020 7946 0018", "+442079460018"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_it_stores_phone_numbers_as_e164(site_a: Site, typed: str, stored: str) -> None:
    assert Client().post(URL, form_data(site_a, phone=typed)).status_code == 302
    assert Enquiry.objects.get().phone == stored


def test_it_answers_a_filled_honeypot_as_if_sent_and_stores_nothing(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/enquiry/sent/"
    assert Enquiry.objects.count() == 0


def test_it_hides_the_honeypot_from_people_and_assistive_technology(site_a: Site) -> None:
    body = Client().get(URL).content.decode()
    start = body.index('<div class="hp" aria-hidden="true">')
    assert 'name="website"' in body[start : start + 400]
    assert 'tabindex="-1"' in body[start : start + 400]


def test_it_asks_again_when_sent_faster_than_a_person_could(
    site_a: Site, settings: Settings
) -> None:
    settings.ENQUIRY_MIN_FILL_SECONDS = 3  # the default, stated
    data = form_data(site_a, started=started_token(time.time()))
    response = Client().post(URL, data)
    assert response.status_code == 422
    assert "Please check your details, then send again" in response.content.decode()
    assert Enquiry.objects.count() == 0
    data["started"] = started_token(time.time() - 5)  # the person reads, then sends again
    assert Client().post(URL, data).status_code == 302


def test_it_treats_a_forged_start_time_as_too_fast(site_a: Site) -> None:
    response = Client().post(URL, form_data(site_a, started="12345"))
    assert response.status_code == 422
    assert Enquiry.objects.count() == 0


def test_it_turns_under_18s_away_kindly_without_asking_for_contact_details(
    site_a: Site,
) -> None:
    young = answers_sign(Answers(age=16, concerns=("acne_scarring",), zones=("cheeks",)))
    response = Client().get(f"{URL}?answers={young}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "for adults" in body
    assert 'name="email"' not in body
    assert 'name="phone"' not in body
    posted = Client().post(URL, form_data(site_a, answers=young, attach_answers="on"))
    assert "for adults" in posted.content.decode()
    assert Enquiry.objects.count() == 0


def test_it_sends_without_an_expired_or_edited_answers_token(site_a: Site) -> None:
    bad = token()[:-3] + "xyz"
    page = Client().get(f"{URL}?answers={bad}")
    assert "could not be attached" in page.content.decode()
    response = Client().post(URL, form_data(site_a, answers=bad, attach_answers="on"))
    assert response.status_code == 302
    assert Enquiry.objects.get().answers is None


def test_it_refuses_a_site_that_does_not_exist(site_a: Site) -> None:
    data = form_data(site_a)
    data["site"] = "999999"
    response = Client().post(URL, data)
    assert response.status_code == 422
    assert "Clinic:" in response.content.decode()
    assert Enquiry.objects.count() == 0
