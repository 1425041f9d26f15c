"""The API tokens page: make a token (shown once), list them, revoke one's own.

Every member of staff may hold tokens, so there is no role that gets 403 here; another
member's token is "not found" (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import ApiToken, User
from mesoclinic.accounts.tests.helpers import XSS, assert_escaped
from mesoclinic.accounts.token_services import api_token_create, token_hash
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD

TOKENS = "/accounts/tokens/"


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    response = client.get(TOKENS)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/tokens/"


def test_it_makes_a_token_and_shows_it_once(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    client = client_for(receptionist_a)

    response = client.post(TOKENS, {"name": "Front desk tablet", "password": PASSWORD})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    match = re.search(r'<input type="text" id="new-token" class="token" value="([^"]+)"', page)
    assert match is not None
    raw = match.group(1)
    stored = ApiToken.objects.get(user=receptionist_a)
    assert (stored.name, stored.prefix, stored.secret_hash) == (
        "Front desk tablet",
        raw[:8],
        token_hash(raw),
    )
    assert "it is shown only once" in page
    assert raw not in client.get(TOKENS).content.decode()
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="api_token")
    assert event.actor == receptionist_a
    assert raw not in str(event.detail)


def test_it_asks_for_the_current_password_before_making_a_token(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    client = client_for(receptionist_a)

    form = client.get(TOKENS).content.decode()
    empty = client.post(TOKENS, {"name": "Tablet"}).content.decode()
    wrong = client.post(TOKENS, {"name": "Tablet", "password": "not-it"})

    assert 'autocomplete="current-password"' in form
    assert '<a href="#id_password">Current password: it is empty; type your password.</a>' in empty
    assert wrong.status_code == 200
    page = wrong.content.decode()
    assert '<a href="#id_password">Current password: it is not your current password.</a>' in page
    assert "not-it" not in page
    assert not ApiToken.objects.filter(user=receptionist_a).exists()
    refused = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (refused.actor, refused.outcome, refused.detail) == (
        receptionist_a,
        Outcome.DENIED,
        {"step": "reauthenticate", "purpose": "api_token", "reason": "wrong_password"},
    )
    assert "not-it" not in str(refused.detail)


def test_it_stops_checking_passwords_after_five_wrong_ones(
    client_for: Callable[[User], Client], receptionist_a: User
) -> None:
    client = client_for(receptionist_a)
    for _ in range(5):
        client.post(TOKENS, {"name": "Tablet", "password": "guess"})

    page = client.post(TOKENS, {"name": "Tablet", "password": PASSWORD}).content.decode()

    assert "Current password: too many wrong passwords; wait 15 minutes" in page
    assert not ApiToken.objects.filter(user=receptionist_a).exists()
    reasons = list(
        AuditEvent.objects.filter(detail__step="reauthenticate")
        .order_by("id")
        .values_list("detail__reason", flat=True)
    )
    assert reasons == ["wrong_password"] * 5 + ["too_many_failures"]


def test_it_lists_only_the_members_own_tokens(
    client_for: Callable[[User], Client], practitioner_a: User, receptionist_a: User
) -> None:
    api_token_create(user=practitioner_a, name="Mine")
    api_token_create(user=receptionist_a, name="Someone else's")

    page = client_for(practitioner_a).get(TOKENS).content.decode()

    assert "Mine" in page
    assert "Someone else" not in page


def test_it_names_an_empty_name(client_for: Callable[[User], Client], practitioner_a: User) -> None:
    response = client_for(practitioner_a).post(TOKENS, {"name": "   ", "password": PASSWORD})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_name">Name: it is empty; say what the token is for.</a>' in page
    assert not ApiToken.objects.exists()


def test_it_names_an_over_long_name_and_keeps_it(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    page = (
        client_for(practitioner_a)
        .post(TOKENS, {"name": "x" * 81, "password": PASSWORD})
        .content.decode()
    )

    assert "Name: use at most 80 characters (it has 81)." in page
    assert 'value="' + "x" * 81 + '"' in page


@pytest.mark.parametrize("value", XSS)
def test_it_shows_stored_names_as_text(
    client_for: Callable[[User], Client], practitioner_a: User, value: str
) -> None:
    client = client_for(practitioner_a)
    client.post(TOKENS, {"name": value, "password": PASSWORD})

    page = client.get(TOKENS).content.decode()

    assert ApiToken.objects.get().name == value
    assert_escaped(page, value)


def test_it_revokes_the_members_own_token(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    token, _ = api_token_create(user=practitioner_a, name="Old script")
    client = client_for(practitioner_a)

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client.get(TOKENS).content.decode()
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="api_token")
    assert event.detail == {"change": "revoked", "prefix": token.prefix}


def test_it_answers_404_for_another_members_token(
    client_for: Callable[[User], Client], practitioner_a: User, practitioner_b: User
) -> None:
    token, _ = api_token_create(user=practitioner_a, name="Not yours")

    response = client_for(practitioner_b).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    event = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert (event.actor, event.object_id) == (practitioner_b, str(token.pk))


def test_it_refuses_revoking_by_get(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    token, _ = api_token_create(user=practitioner_a, name="Script")

    assert client_for(practitioner_a).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert client_for(practitioner_a).put(TOKENS).status_code == 405


def test_it_sends_an_anonymous_revoke_to_sign_in(client: Client, practitioner_a: User) -> None:
    token, _ = api_token_create(user=practitioner_a, name="Script")

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    token.refresh_from_db()
    assert token.revoked_at is None
