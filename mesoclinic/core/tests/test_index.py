"""What every page carries, read on the home page (its content: public/tests)."""

from __future__ import annotations

from django.test import Client


def test_it_refuses_to_be_framed(client: Client) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


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
