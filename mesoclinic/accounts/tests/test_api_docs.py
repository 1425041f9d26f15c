"""In production the API docs and schema are for signed-in staff; cookies carry ``__Host-``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tests.helpers import password_step
from mesoclinic.conftest import verified_client
from mesoclinic.core.tests.helpers import PRODUCTION_KEY, django_setup_code, run_python

DOCS = ("/api/v1/docs", "/api/v1/openapi.json")


@pytest.mark.parametrize("path", DOCS)
def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/v1/")


@pytest.mark.parametrize("path", DOCS)
def test_it_wants_the_second_factor_too(client: Client, practitioner_a: User, path: str) -> None:
    password_step(client, practitioner_a)
    assert client.get(path).status_code == 302


@pytest.mark.parametrize("path", DOCS)
def test_it_shows_the_docs_to_signed_in_staff(receptionist_a: User, path: str) -> None:
    assert verified_client(receptionist_a).get(path).status_code == 200


def test_it_shows_the_docs_to_anyone_when_configured_public(
    client: Client, db: None, settings: object
) -> None:
    settings.API_DOCS_PUBLIC = True  # type: ignore[attr-defined]
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize(
    ("debug", "expected"),
    [
        ("0", "__Host-sessionid __Host-csrftoken False"),
        ("1", "sessionid csrftoken True"),
    ],
)
def test_production_cookies_carry_the_host_prefix(
    tmp_path: Path, debug: str, expected: str
) -> None:
    code = django_setup_code(
        "from django.conf import settings",
        "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.API_DOCS_PUBLIC)",
    )
    result = run_python(
        "-c",
        code,
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_SECRET_KEY=PRODUCTION_KEY,
        MESOCLINIC_DEBUG=debug,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
