"""The 403, 404 and 500 pages: in the layout, saying what happened, revealing nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from mesoclinic.accounts.models import User


def test_it_answers_an_unknown_address_with_the_404_page(client: Client, db: None) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page
    assert '<a class="skip-link" href="#main">' in page
    assert "/no/such/page/" not in page


def test_it_offers_a_signed_in_member_the_way_back(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    page = client_for(practitioner_a).get("/no/such/page/").content.decode()

    assert '<a href="/patients/">Go to the patient list</a>' in page


def test_it_explains_a_refusal_on_the_403_page(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    response = client_for(receptionist_a).get("/accounts/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Not allowed</h1>" in page
    assert "Your role may not manage staff." in page


@pytest.mark.urls("mesoclinic.accounts.tests.urls")
def test_it_answers_a_crash_with_the_static_500_page(db: None) -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/test-boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong</h1>" in page
    assert "a bug" not in page
    assert "Traceback" not in page


def test_the_500_page_renders_without_a_request_or_the_database(
    django_assert_num_queries: DjangoAssertNumQueries, db: None
) -> None:
    with django_assert_num_queries(0):
        page = render_to_string("500.html")

    assert '<link rel="stylesheet" href="/static/core/app.css">' in page
