"""The sign-in page (password step), the lockout after repeated failures, and signing out."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tests.helpers import XSS, assert_escaped
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD

LOGIN = "/accounts/login/"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_it_shows_the_sign_in_form(client: Client, db: None) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert 'autocomplete="current-password"' in page
    assert "no-store" in response["Cache-Control"]


def test_it_signs_in_and_sends_the_user_to_the_second_factor(
    client: Client, practitioner_a: User
) -> None:
    response = client.post(
        LOGIN,
        {"username": practitioner_a.username, "password": PASSWORD, "next": "/patients/?q=an"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/mfa/?next=%2Fpatients%2F%3Fq%3Dan"
    assert client.session["_auth_user_id"] == str(practitioner_a.pk)
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.actor, event.object_type, event.object_id) == (
        practitioner_a,
        "staff",
        str(practitioner_a.pk),
    )
    assert event.detail == {"step": "password"}
    assert event.ip == "127.0.0.1"


def test_it_starts_a_new_session_id_at_sign_in(client: Client, practitioner_a: User) -> None:
    client.get(LOGIN)
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key

    client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})

    assert client.session.session_key != before


def test_it_refuses_a_wrong_password_keeping_the_username_and_not_the_password(
    client: Client, practitioner_a: User
) -> None:
    response = client.post(
        LOGIN, {"username": practitioner_a.username, "password": "wrong password 123"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert (
        "Username or password: no account matches “priya_practitioner” with that password." in page
    )
    assert 'href="#id_username"' in page
    assert 'value="priya_practitioner"' in page
    assert "wrong password 123" not in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.outcome == Outcome.DENIED
    assert event.object_id == str(practitioner_a.pk)
    assert event.detail == {
        "step": "password",
        "reason": "wrong_credentials",
        "username": "priya_practitioner",
    }
    assert "wrong password" not in str(event.detail)


def test_it_names_empty_fields(client: Client, db: None) -> None:
    response = client.post(LOGIN, {"username": "", "password": ""})

    page = response.content.decode()
    assert '<a href="#id_username">Username: it is empty; type your username.</a>' in page
    assert '<a href="#id_password">Password: it is empty; type your password.</a>' in page
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_deactivated_member_with_the_right_password(
    client: Client, practitioner_a: User
) -> None:
    User.objects.filter(pk=practitioner_a.pk).update(is_active=False)

    response = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get().action == Action.LOGIN_FAILED


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/patients/", "javascript:alert(1)", "\\\\evil"],
)
def test_it_ignores_a_next_url_that_leaves_the_site(
    client: Client, practitioner_a: User, next_url: str
) -> None:
    login_page = client.get(LOGIN, {"next": next_url}).content.decode()
    response = client.post(
        LOGIN, {"username": practitioner_a.username, "password": PASSWORD, "next": next_url}
    )

    assert 'name="next"' not in login_page
    assert response["Location"] == "/accounts/mfa/"


def test_it_goes_straight_to_next_when_the_second_factor_is_off(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    settings.MFA_REQUIRED = False

    response = client.post(
        LOGIN, {"username": practitioner_a.username, "password": PASSWORD, "next": "/patients/"}
    )

    assert response["Location"] == "/patients/"


def test_it_escapes_what_was_typed(client: Client, db: None) -> None:
    for value in XSS:
        page = client.post(LOGIN, {"username": value, "password": "x"}).content.decode()
        assert_escaped(page, value)


def test_it_answers_405_to_other_methods(client: Client, db: None) -> None:
    assert client.put(LOGIN).status_code == 405


def test_it_locks_out_after_five_failures_with_a_page_saying_when_to_come_back(
    client: Client, practitioner_a: User
) -> None:
    wrong = {"username": practitioner_a.username, "password": "not the password"}
    with time_machine.travel(NOW, tick=False) as traveller:
        statuses = [client.post(LOGIN, wrong).status_code for _ in range(5)]
        locked = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})

        assert statuses == [200, 200, 200, 200, 429]
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "<h1>Too many attempts</h1>" in page
        assert "Try again in 15 minutes." in page
        assert locked["Retry-After"] == "900"
        assert "_auth_user_id" not in client.session
        reasons = [
            e.detail["reason"] for e in AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
        ]
        assert sorted(reasons) == ["locked_out"] * 2 + ["wrong_credentials"] * 4

        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        again = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})

    assert again.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner_a.pk)


def test_it_locks_the_username_at_that_address_only(
    client: Client, practitioner_a: User, receptionist_a: User
) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": practitioner_a.username, "password": "nope"})

    other_user = client.post(LOGIN, {"username": receptionist_a.username, "password": PASSWORD})
    other_address = Client(REMOTE_ADDR="192.0.2.7").post(
        LOGIN, {"username": practitioner_a.username, "password": PASSWORD}
    )

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_it_signs_out_on_post_only_and_audits_it(client_for: object, practitioner_a: User) -> None:
    client = client_for(practitioner_a)  # type: ignore[operator]

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert (event.actor, event.detail) == (practitioner_a, {"reason": "signed_out"})
    assert client.get("/patients/")["Location"].startswith("/accounts/login/")


def test_it_lets_an_anonymous_visitor_post_to_sign_out(client: Client, db: None) -> None:
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_its_lockout_page_serves_the_admin_sign_in_too_once_configured(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    # The setting the lead is asked to add; until then the admin shows django-axes' text.
    settings.AXES_LOCKOUT_CALLABLE = "mesoclinic.accounts.lockout.lockout_response"
    wrong = {"username": practitioner_a.username, "password": "nope", "next": "/admin/"}

    statuses = [client.post("/admin/login/", wrong).status_code for _ in range(5)]

    assert statuses[-1] == 429
    page = client.post("/admin/login/", wrong).content.decode()
    assert "Try again in 15 minutes." in page
