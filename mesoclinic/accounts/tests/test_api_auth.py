"""Bearer tokens on the API: who gets in, who does not, and who the audit trail names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from mesoclinic.accounts.models import ApiToken, User
from mesoclinic.accounts.services import staff_deactivate
from mesoclinic.accounts.token_services import api_token_create, api_token_revoke
from mesoclinic.audit.models import Action, AuditEvent, Outcome

pytestmark = pytest.mark.urls("mesoclinic.accounts.tests.urls")
WHOAMI = "/api/accounts-test/whoami"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(practitioner_a: User) -> str:
    _, raw = api_token_create(user=practitioner_a, name="Reporting")
    return raw


def test_it_lets_a_good_token_in_as_its_owner_and_audits_as_them(
    client: Client, practitioner_a: User, token: str
) -> None:
    response = client.get(WHOAMI, headers=_bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "username": "priya_practitioner",
        "audit_actor": "priya_practitioner",
    }
    event = AuditEvent.objects.get(object_type="test")
    assert (event.actor, event.path, event.ip) == (practitioner_a, WHOAMI, "127.0.0.1")


def test_it_does_not_carry_the_actor_into_the_next_request(
    client: Client, practitioner_a: User, token: str
) -> None:
    client.get(WHOAMI, headers=_bearer(token))

    # The next request, anonymous, opens the login page: its audit context has no actor.
    client.post("/accounts/login/", {"username": "nobody", "password": "x"})

    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).actor is None


def test_it_answers_401_without_a_token(client: Client, token: str) -> None:
    assert client.get(WHOAMI).status_code == 401
    assert client.get(WHOAMI, headers={"Authorization": f"Basic {token}"}).status_code == 401


@pytest.mark.parametrize(
    "bad",
    ["", "x", "not a token at all", "A" * 43, "<script>alert(1)</script>", "é" * 43],
)
def test_it_answers_401_to_a_token_that_does_not_exist(
    client: Client, token: str, bad: str
) -> None:
    response = client.get(WHOAMI, headers=_bearer(bad))

    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action=Action.LOGIN_FAILED).exists()


def test_it_answers_401_to_a_known_prefix_with_the_wrong_secret_and_audits_it(
    client: Client, token: str
) -> None:
    forged = token[:8] + ("A" if token[8] != "A" else "B") + token[9:]

    response = client.get(WHOAMI, headers=_bearer(forged))

    assert response.status_code == 401
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (event.object_type, event.outcome) == ("api_token", Outcome.DENIED)
    assert event.detail == {"reason": "wrong_secret", "prefix": token[:8]}


def test_it_answers_401_to_a_revoked_token(
    client: Client, practitioner_a: User, token: str
) -> None:
    api_token_revoke(token=ApiToken.objects.get(user=practitioner_a))

    response = client.get(WHOAMI, headers=_bearer(token))

    assert response.status_code == 401
    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).detail["reason"] == "revoked"


def test_it_answers_401_to_a_deactivated_members_token(
    client: Client, manager_a: User, practitioner_a: User, token: str
) -> None:
    staff_deactivate(staff=practitioner_a, actor=manager_a)

    assert client.get(WHOAMI, headers=_bearer(token)).status_code == 401
    assert ApiToken.objects.get(user=practitioner_a).revoked_at is not None


def test_it_refuses_an_owner_deactivated_behind_the_services_back(
    client: Client, practitioner_a: User, token: str
) -> None:
    User.objects.filter(pk=practitioner_a.pk).update(is_active=False)

    assert client.get(WHOAMI, headers=_bearer(token)).status_code == 401
    reason = AuditEvent.objects.get(action=Action.LOGIN_FAILED).detail["reason"]
    assert reason == "inactive_user"


def test_it_records_use_at_most_once_a_minute(
    client: Client, practitioner_a: User, token: str
) -> None:
    stored = ApiToken.objects.get(user=practitioner_a)
    with time_machine.travel(NOW, tick=False) as traveller:
        client.get(WHOAMI, headers=_bearer(token))
        stored.refresh_from_db()
        assert stored.last_used_at == NOW

        traveller.shift(dt.timedelta(seconds=59))
        client.get(WHOAMI, headers=_bearer(token))
        stored.refresh_from_db()
        assert stored.last_used_at == NOW

        traveller.shift(dt.timedelta(seconds=1))
        client.get(WHOAMI, headers=_bearer(token))
        stored.refresh_from_db()
        assert stored.last_used_at == NOW + dt.timedelta(minutes=1)


def test_it_authenticates_with_one_query(
    client: Client, token: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get(WHOAMI, headers=_bearer(token))  # the first use also writes last_used_at

    # The token and its owner in one SELECT; the endpoint's own audit INSERT.
    with django_assert_num_queries(2):
        assert client.get(WHOAMI, headers=_bearer(token)).status_code == 200


def test_it_takes_a_session_past_the_second_factor_where_the_route_allows(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    response = client_for(practitioner_a).get("/api/accounts-test/either")

    assert response.status_code == 200
    assert response.json() == {"username": "priya_practitioner"}


def test_it_refuses_a_session_that_has_only_passed_the_password(
    client: Client, practitioner_a: User
) -> None:
    client.force_login(practitioner_a)

    assert client.get("/api/accounts-test/either").status_code == 401


def test_it_stores_only_the_hash_of_a_token(practitioner_a: User, token: str) -> None:
    stored = ApiToken.objects.get(user=practitioner_a)

    assert len(token) == 43
    assert stored.prefix == token[:8]
    assert token not in (stored.secret_hash, stored.name)
    assert len(stored.secret_hash) == 64
