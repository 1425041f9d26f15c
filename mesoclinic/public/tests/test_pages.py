"""Every public page: no sign-in, no cookie carrying anyone's data, nothing from another origin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import Answers, answers_sign
from mesoclinic.public.content import info_pages

pytestmark = pytest.mark.django_db

ANSWER = Answers(age=40, concerns=("hair_loss",), zones=("scalp",), needle_fear=NeedleFear.MILD)


def public_urls() -> list[str]:
    token = answers_sign(ANSWER)
    return [
        "/",
        "/start/",
        f"/start/answer/?answers={token}",
        "/info/",
        *(f"/info/{page.slug}/" for page in info_pages()),
    ]


# src or href to another origin: a scheme ("https:"), or a protocol-relative "//host".
EXTERNAL = re.compile(r"""\b(?:src|href|action)\s*=\s*["']\s*(?:[a-z][a-z0-9+.-]*:|//)""", re.I)


@pytest.mark.parametrize("url", public_urls())
def test_it_answers_without_sign_in_and_loads_nothing_from_elsewhere(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL.findall(html) == []
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("url", [*public_urls(), "/health"])
def test_it_answers_head_as_get_for_uptime_monitors(url: str) -> None:
    response = Client().head(url)
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("url", public_urls())
def test_it_shows_no_one_else_s_data_to_a_visitor(
    url: str, client_for: Any, practitioner_a: User
) -> None:
    # A member of staff signed in beside the visitor: nothing of theirs reaches the visitor,
    # and the visitor's answer carries no cookie of anyone's.
    staff = client_for(practitioner_a)
    staff.get(url)
    visitor = Client()
    response = visitor.get(url)
    html = response.content.decode()
    assert practitioner_a.username not in html
    assert "Sign out" not in html
    assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME}


@pytest.mark.parametrize("url", public_urls())
def test_it_has_no_inline_code(url: str) -> None:
    # The CSP allows no inline script or style; the pages need none.
    html = Client().get(url).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert "<style" not in html
    assert " style=" not in html


def test_it_never_caches_the_answer_whose_address_holds_health_answers() -> None:
    response = Client().get(public_urls()[2])
    assert "no-store" in response["Cache-Control"]


def test_it_links_the_home_page_to_every_public_page_and_a_modest_staff_sign_in() -> None:
    html = Client().get("/").content.decode()
    for href in (
        "/start/",
        "/enquiry/",
        "/accounts/login/",
        *(f"/info/{p.slug}/" for p in info_pages()),
    ):
        assert f'href="{href}"' in html
    assert "/patients/" not in html


def test_it_keeps_the_staff_links_on_the_home_page_for_signed_in_staff(
    client_for: Any, practitioner_a: User
) -> None:
    html = client_for(practitioner_a).get("/").content.decode()
    for href in ("/patients/", "/api/v1/docs", "/admin/"):
        assert f'href="{href}"' in html
    assert "Staff sign-in" not in html


def test_it_answers_404_for_an_information_page_that_does_not_exist() -> None:
    assert Client().get("/info/no-such-page/").status_code == 404
