from __future__ import annotations

import re

from django.test import Client


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
