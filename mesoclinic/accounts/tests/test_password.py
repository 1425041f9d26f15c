"""Changing one's own password. Every member may, for their own account only (no 403 or 404)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD

PAGE = "/accounts/password/"
NEW = "a different long passphrase 99"


@pytest.mark.argon2
def test_it_changes_the_password_and_ends_the_members_other_sessions(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    client = client_for(practitioner_a)
    other_browser = client_for(practitioner_a)

    response = client.post(
        PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 302
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password(NEW)
    assert practitioner_a.password.startswith("argon2")
    assert client.get("/accounts/tokens/").status_code == 200
    assert other_browser.get("/accounts/tokens/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action=Action.UPDATE)
    assert (event.actor, event.detail) == (
        practitioner_a,
        {"change": "password_changed", "tokens_revoked": 0},
    )


def test_it_names_each_problem(client_for: Callable[[User], Client], practitioner_a: User) -> None:
    response = client_for(practitioner_a).post(
        PAGE, {"old_password": "wrong", "new_password1": "short", "new_password2": "shorter"}
    )

    page = response.content.decode()
    assert '<a href="#id_old_password">Old password: it is not your current password.' in page
    assert (
        '<a href="#id_new_password2">New password confirmation: it does not match the new '
        "password." in page
    )
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password(PASSWORD)


def test_it_checks_the_new_password_against_the_validators(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    data = {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}

    page = client_for(practitioner_a).post(PAGE, data).content.decode()

    assert "New password confirmation: This password is too common." in page
    assert "New password confirmation: This password is entirely numeric." in page


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    assert client.get(PAGE)["Location"] == "/accounts/login/?next=/accounts/password/"


def test_it_answers_405_to_other_methods(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    assert client_for(practitioner_a).put(PAGE).status_code == 405
