"""Each member of staff sees where they are signed in and ends their own sessions only."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.accounts.sessions import session_handle
from mesoclinic.audit.models import Action, AuditEvent, Outcome

ClientFor = Callable[[User], Client]
PAGE = "/accounts/sessions/"


def _key(client: Client) -> str:
    key = client.session.session_key
    assert key is not None
    return key


def test_it_lists_the_members_sessions_without_their_keys(
    client_for: ClientFor, practitioner_a: User
) -> None:
    phone = client_for(practitioner_a)
    desk = client_for(practitioner_a)
    page = desk.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "this browser" in html
    assert html.count('class="secondary"') == 1  # one other session, with an End button
    for client in (phone, desk):
        assert _key(client) not in html
    assert f"/accounts/sessions/{session_handle(_key(phone))}/end/" in html


def test_it_ends_another_of_the_members_sessions_and_audits_it(
    client_for: ClientFor, practitioner_a: User
) -> None:
    phone = client_for(practitioner_a)
    desk = client_for(practitioner_a)
    handle = session_handle(_key(phone))
    response = desk.post(f"/accounts/sessions/{handle}/end/")
    assert response.status_code == 302
    assert phone.get("/patients/")["Location"].startswith("/accounts/login/")
    assert desk.get("/patients/").status_code == 200
    event = AuditEvent.objects.get(action=Action.LOGOUT, object_type="session")
    assert (event.actor, event.object_id) == (practitioner_a, handle)


def test_it_will_not_end_someone_elses_session(
    client_for: ClientFor, practitioner_a: User, manager_a: User
) -> None:
    theirs = client_for(practitioner_a)
    handle = session_handle(_key(theirs))
    assert client_for(manager_a).post(f"/accounts/sessions/{handle}/end/").status_code == 404
    assert theirs.get("/patients/").status_code == 200
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED, object_type="session")
    assert denied.detail == {"reason": "not_owner"}


def test_it_refuses_get_and_anonymous_visitors(client: Client, practitioner_a: User) -> None:
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/sessions/abc/end/")["Location"].startswith("/accounts/login/")
