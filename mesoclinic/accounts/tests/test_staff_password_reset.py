"""A manager gives a member a temporary password: shown once, their sessions and API tokens
end, and they must choose their own password before any other page opens."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import ApiToken, User
from mesoclinic.accounts.tests.helpers import current_code, device_of
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD

ClientFor = Callable[[User], Client]
NEW = "a-new-and-long-passphrase-41"


def _reset_url(member: User) -> str:
    return f"/accounts/staff/{member.pk}/reset-password/"


def _temporary_password(page: str) -> str:
    match = re.search(r'id="temporary-password" class="token" value="([^"]+)"', page)
    assert match is not None, page
    return match.group(1)


def test_it_asks_the_manager_to_confirm_first(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    page = client_for(manager_a).get(_reset_url(practitioner_a)).content.decode()

    assert "Reset the password</button>" in page
    assert 'id="temporary-password"' not in page
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password(PASSWORD)
    assert "Reset password" in client_for(manager_a).get("/accounts/staff/").content.decode()


def test_it_shows_a_temporary_password_once_and_ends_the_members_access(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    their_browser = client_for(practitioner_a)
    with acting_as(practitioner_a):
        api_token_create(user=practitioner_a, name="Reports")

    response = client_for(manager_a).post(_reset_url(practitioner_a))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    temporary = _temporary_password(response.content.decode())
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary)
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password(temporary)
    assert not practitioner_a.check_password(PASSWORD)
    assert temporary not in practitioner_a.password
    assert practitioner_a.must_change_password is True
    assert not ApiToken.objects.filter(user=practitioner_a, revoked_at__isnull=True).exists()
    assert their_browser.get("/patients/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action=Action.UPDATE, detail__change="password_reset")
    assert (event.actor, event.object_id, event.detail) == (
        manager_a,
        str(practitioner_a.pk),
        {"change": "password_reset", "sessions_ended": 1, "tokens_revoked": 1},
    )
    assert not any(temporary in str(e.detail) for e in AuditEvent.objects.all())
    # A second reset makes another password: the first stops working.
    again = _temporary_password(
        client_for(manager_a).post(_reset_url(practitioner_a)).content.decode()
    )
    practitioner_a.refresh_from_db()
    assert again != temporary
    assert not practitioner_a.check_password(temporary)


def test_the_member_must_choose_a_password_before_any_other_page(
    client: Client, client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    client_for(practitioner_a)  # a confirmed authenticator app
    temporary = _temporary_password(
        client_for(manager_a).post(_reset_url(practitioner_a)).content.decode()
    )

    client.post("/accounts/login/", {"username": practitioner_a.username, "password": temporary})
    client.post("/accounts/mfa/", {"code": current_code(device_of(practitioner_a))})
    blocked = client.get("/patients/")
    tokens = client.get("/accounts/tokens/")
    api = client.get("/api/v1/patients")
    page = client.get("/accounts/password/").content.decode()
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": temporary,
            "new_password1": NEW,
            "new_password2": NEW,
        },
    )

    assert blocked["Location"] == "/accounts/password/"
    assert tokens["Location"] == "/accounts/password/"
    assert api.status_code == 403
    assert "Your manager gave you a temporary password." in page
    assert changed.status_code == 302
    practitioner_a.refresh_from_db()
    assert practitioner_a.must_change_password is False
    assert client.get("/patients/").status_code == 200


def test_the_second_factor_still_comes_first(
    client: Client, client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    client_for(practitioner_a)
    temporary = _temporary_password(
        client_for(manager_a).post(_reset_url(practitioner_a)).content.decode()
    )

    client.post("/accounts/login/", {"username": practitioner_a.username, "password": temporary})

    assert client.get("/accounts/password/")["Location"].startswith("/accounts/mfa/")


def test_a_manager_cannot_reset_their_own_password_here(
    client_for: ClientFor, manager_a: User
) -> None:
    client = client_for(manager_a)

    response = client.post(_reset_url(manager_a), follow=True)

    assert "You cannot reset your own password here" in response.content.decode()
    manager_a.refresh_from_db()
    assert manager_a.check_password(PASSWORD)
    assert manager_a.must_change_password is False


def test_it_is_not_found_for_staff_of_another_site(
    client_for: ClientFor, manager_a: User, practitioner_b: User
) -> None:
    response = client_for(manager_a).post(_reset_url(practitioner_b))

    assert response.status_code == 404
    practitioner_b.refresh_from_db()
    assert practitioner_b.check_password(PASSWORD)
