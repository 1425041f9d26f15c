"""Browser-facing hardening, checked on real responses in the production configuration.

Tests run with MESOCLINIC_DEBUG off (see pyproject's pytest env), so these are the headers and
cookies production sends. The deploy check itself is in ``test_settings.py``
(``test_it_passes_the_deploy_check_in_production``); here it is shown to bite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.conftest import PASSWORD
from mesoclinic.core.tests.helpers import PRODUCTION_KEY, run_python

PAGES_ANONYMOUS = ["/", "/accounts/login/", "/no/such/page/"]
PAGES_SIGNED_IN = ["/accounts/tokens/", "/accounts/staff/", "/accounts/staff/new/"]


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict_page(response: object) -> None:
    """A CSP without 'unsafe-inline', and nothing inline in the page that it would block."""
    header = response["Content-Security-Policy"]  # type: ignore[index]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    directives = _csp_directives(header)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline <script>"
    assert not re.search(r"<style\b", page), "inline <style>"
    assert not re.search(r"\sstyle=", page), "style= attribute"
    assert not re.search(r"\son[a-z]+=", page), "on*= event attribute"


@pytest.mark.parametrize("path", PAGES_ANONYMOUS)
def test_it_sends_a_strict_csp_on_public_pages(client: Client, db: None, path: str) -> None:
    _assert_strict_page(client.get(path))


@pytest.mark.parametrize("path", PAGES_SIGNED_IN)
def test_it_sends_a_strict_csp_on_staff_pages(
    client_for: Callable[[User], Client], manager_a: User, path: str
) -> None:
    response = client_for(manager_a).get(path)

    assert response.status_code == 200
    _assert_strict_page(response)
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_strict_csp_with_the_second_factor_qr_code(
    client: Client, practitioner_a: User
) -> None:
    client.post("/accounts/login/", {"username": practitioner_a.username, "password": PASSWORD})

    response = client.get("/accounts/mfa/")

    _assert_strict_page(response)
    assert "data:" in _csp_directives(response["Content-Security-Policy"])["img-src"]


def test_it_sends_hsts_and_the_other_hardening_headers_over_https(client: Client, db: None) -> None:
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_sets_only_secure_http_only_cookies_at_sign_in(
    client: Client, practitioner_a: User
) -> None:
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": practitioner_a.username, "password": PASSWORD},
        secure=True,
    )

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


def test_the_deploy_check_fails_without_hsts(tmp_path: Path) -> None:
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_SECRET_KEY=PRODUCTION_KEY,
        MESOCLINIC_ALLOWED_HOSTS="clinic.example.org",
        MESOCLINIC_HSTS_SECONDS="0",
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_it_locks_sign_in_after_five_failures_with_429(
    client: Client, practitioner_a: User
) -> None:
    wrong = {"username": practitioner_a.username, "password": "guess"}

    statuses = [client.post("/accounts/login/", wrong).status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 429, 429]
    right = {"username": practitioner_a.username, "password": PASSWORD}
    assert client.post("/accounts/login/", right).status_code == 429


@pytest.mark.argon2
def test_it_hashes_passwords_with_argon2(site_a: Site) -> None:
    user = staff_create(
        username="hash_check", password=PASSWORD, role=Role.RECEPTIONIST, sites=[site_a]
    )

    assert user.password.startswith("argon2$argon2id$")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
