from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from pytest_django.fixtures import Settings


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(client: Client) -> None:
    # The database is the outside world here: make its driver fail.
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_it_refuses_other_methods(client: Client) -> None:
    assert client.post("/health").status_code == 405


@pytest.mark.django_db
def test_it_stays_reachable_over_plain_http_when_https_is_enforced(
    client: Client, settings: Settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health").status_code == 200
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
