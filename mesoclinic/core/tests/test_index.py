from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import User


def test_it_says_what_mesoclinic_is_and_links_to_docs_and_admin(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mesoclinic</h1>" in html
    assert "mesotherapy" in html
    assert 'href="/api/v1/docs"' in html
    assert 'href="/admin/"' in html


def test_it_loads_nothing_from_elsewhere_and_has_no_inline_code(client: Client) -> None:
    html = client.get("/").content.decode()
    assert re.search(r"(src|href)=\"(https?:)?//", html) is None
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html


def test_it_refuses_to_be_framed(client: Client) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_it_links_to_staff_sign_in_and_the_patient_list_for_a_visitor(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<a href="/accounts/login/">Staff sign-in</a>' in html
    assert '<a href="/patients/">Patients</a>' in html


def test_it_links_a_signed_in_user_to_the_patient_list_not_to_sign_in(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    html = client_for(receptionist_a).get("/").content.decode()
    assert "Staff sign-in" not in html
    assert '<a href="/patients/">Patients</a>: find a patient' in html


def test_it_names_its_own_icon_in_every_page(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/core/favicon.ico" sizes="48x48">' in html


def test_it_serves_the_icon_where_browsers_look_for_it(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.ico"
    icon = client.get("/static/core/favicon.ico")
    assert icon.status_code == 200
    assert icon.getvalue().startswith(b"\x00\x00\x01\x00")  # ICO header
    svg = client.get("/static/core/favicon.svg")
    assert svg.status_code == 200
    assert b"<svg" in svg.getvalue()
