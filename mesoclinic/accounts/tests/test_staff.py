"""Staff management for managers: list their sites' staff, add, deactivate, reset the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]
from pytest_django import DjangoAssertNumQueries

from mesoclinic.accounts.models import ApiToken, Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.accounts.tests.helpers import XSS, assert_escaped
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD

STAFF = "/accounts/staff/"
NEW = "/accounts/staff/new/"
ClientFor = Callable[[User], Client]


def _form(site: Site, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Nadia",
        "last_name": "Nurse",
        "username": "nadia.nurse",
        "email": "nadia@example.org",
        "role": "practitioner",
        "is_prescriber": "on",
        "registration_number": "NMC 98B7654C",
        "sites": [str(site.pk)],
        "password": "a long and uncommon passphrase 7",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def manager_b(site_b: Site) -> User:
    return staff_create(
        username="bella_manager", password=PASSWORD, role=Role.MANAGER, sites=[site_b]
    )


# --- the list --------------------------------------------------------------------------------


def test_it_lists_the_staff_of_the_managers_sites(
    client_for: ClientFor,
    manager_a: User,
    practitioner_a: User,
    receptionist_a: User,
    practitioner_b: User,
) -> None:
    response = client_for(manager_a).get(STAFF)

    assert response.status_code == 200
    page = response.content.decode()
    for member in (manager_a, practitioner_a, receptionist_a):
        assert member.username in page
    assert practitioner_b.username not in page
    assert "NMC 12A3456E" in page
    event = AuditEvent.objects.get(action=Action.LIST)
    assert (event.actor, event.object_type, event.detail) == (manager_a, "staff", {"count": 3})


def test_it_lists_with_the_same_queries_for_any_number_of_staff(
    client_for: ClientFor,
    manager_a: User,
    site_a: Site,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(manager_a)
    client.get(STAFF)  # settles the session's last-seen write

    # Session, user, second-factor device, the manager's sites, the staff, their sites, the
    # audit INSERT, and the header's count of new enquiries.
    with django_assert_num_queries(8):
        small = client.get(STAFF)
    for n in range(15):
        staff_create(
            username=f"extra{n}", password=PASSWORD, role=Role.RECEPTIONIST, sites=[site_a]
        )
    with django_assert_num_queries(8):
        large = client.get(STAFF)

    assert small.status_code == large.status_code == 200
    assert "extra14" in large.content.decode()


@pytest.mark.parametrize("persona", ["practitioner_a", "receptionist_a"])
def test_it_answers_403_to_roles_that_do_not_manage_staff(
    client_for: ClientFor, request: pytest.FixtureRequest, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)

    assert client.get(STAFF).status_code == 403
    assert client.get(NEW).status_code == 403
    event = AuditEvent.objects.filter(outcome=Outcome.DENIED).first()
    assert event is not None
    assert event.detail == {"reason": "missing:manage_staff"}


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    for path in (STAFF, NEW):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_it_answers_405_to_other_methods(client_for: ClientFor, manager_a: User) -> None:
    client = client_for(manager_a)

    assert client.post(STAFF).status_code == 405
    assert client.put(NEW).status_code == 405


# --- adding ------------------------------------------------------------------------------------


@pytest.mark.argon2
def test_it_adds_a_prescriber_at_the_managers_site(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    response = client_for(manager_a).post(NEW, _form(site_a))

    assert response.status_code == 302
    assert response["Location"] == STAFF
    nadia = User.objects.get(username="nadia.nurse")
    assert (nadia.role, nadia.is_prescriber, nadia.registration_number) == (
        "practitioner",
        True,
        "NMC 98B7654C",
    )
    assert list(nadia.sites.all()) == [site_a]
    assert nadia.password.startswith("argon2")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="staff")
    assert (event.actor, event.object_id, event.site_id) == (manager_a, str(nadia.pk), site_a.pk)
    assert "passphrase" not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"role": "receptionist"},
            "is_prescriber",
            "Prescriber: only a practitioner can prescribe, and the role chosen is “Receptionist”.",
        ),
        (
            {"registration_number": ""},
            "registration_number",
            "Registration number: a prescriber needs one (e.g. an NMC or GMC number); "
            "the field is empty.",
        ),
        (
            {"username": "maria_manager"},
            "username",
            "Username: “maria_manager” is already taken; choose another.",
        ),
        (
            {"username": "nadia nurse"},
            "username",
            "Username: “nadia nurse” may contain only letters, digits and @ . + - _",
        ),
        ({"password": "password"}, "password", "Password: This password is too common."),
        ({"email": "not-an-email"}, "email", "Email: “not-an-email” is not an address."),
        ({"role": "surgeon"}, "role", "Role: “surgeon” is not one of the roles listed."),
        ({"role": ""}, "role", "Role: choose what this person does at the clinic."),
        ({"sites": None}, "sites", "Sites: choose at least one site where this person works."),
    ],
)
def test_it_names_the_field_to_change_and_keeps_what_was_typed(
    client_for: ClientFor,
    manager_a: User,
    site_a: Site,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client_for(manager_a).post(NEW, _form(site_a, **changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    # A checkbox group's link goes to its fieldset, which carries the field's id.
    anchor = f"id_{field}"
    assert f'<a href="#{anchor}">{message}' in page.replace("&quot;", '"')
    assert 'value="Nadia"' in page
    assert not User.objects.filter(first_name="Nadia").exists()


def test_the_new_staff_form_preselects_no_role(
    client_for: ClientFor, manager_a: User, site_a: Site
) -> None:
    page = client_for(manager_a).get(NEW).content.decode()
    select = page[
        page.index('<select name="role"') : page.index("</select>", page.index('name="role"'))
    ]
    assert '<option value="" selected>Choose a role</option>' in select
    assert "selected" not in select.replace('<option value="" selected>', "")


def test_it_refuses_a_site_the_manager_does_not_manage(
    client_for: ClientFor, manager_a: User, site_a: Site, site_b: Site
) -> None:
    page = client_for(manager_a).post(NEW, _form(site_b)).content.decode()

    assert f"Sites: “{site_b.pk}” is not one of your sites." in page
    assert not User.objects.filter(username="nadia.nurse").exists()


@pytest.mark.parametrize("value", XSS)
def test_it_shows_stored_text_as_text(
    client_for: ClientFor, manager_a: User, site_a: Site, value: str
) -> None:
    client = client_for(manager_a)
    client.post(
        NEW,
        _form(site_a, first_name=value, last_name=value, registration_number=value),
    )

    page = client.get(STAFF).content.decode()

    assert User.objects.get(username="nadia.nurse").registration_number == value
    assert_escaped(page, value)


# --- deactivating and resetting the second factor ---------------------------------------------


def test_it_deactivates_a_member_revoking_their_tokens(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    api_token_create(user=practitioner_a, name="Script")
    their_browser = client_for(practitioner_a)

    response = client_for(manager_a).post(f"/accounts/staff/{practitioner_a.pk}/deactivate/")

    assert response.status_code == 302
    practitioner_a.refresh_from_db()
    assert practitioner_a.is_active is False
    assert ApiToken.objects.get(user=practitioner_a).revoked_at is not None
    assert their_browser.get("/accounts/tokens/").status_code == 302
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="staff")
    assert event.actor == manager_a
    assert event.detail == {"change": "deactivated", "sessions_ended": 1, "tokens_revoked": 1}


def test_it_will_not_let_a_manager_deactivate_themself(
    client_for: ClientFor, manager_a: User
) -> None:
    client = client_for(manager_a)

    response = client.post(f"/accounts/staff/{manager_a.pk}/deactivate/", follow=True)

    manager_a.refresh_from_db()
    assert manager_a.is_active is True
    assert "You cannot deactivate your own account" in response.content.decode()


def test_it_answers_404_for_staff_of_another_site(
    client_for: ClientFor, manager_b: User, practitioner_a: User
) -> None:
    client = client_for(manager_b)

    assert client.post(f"/accounts/staff/{practitioner_a.pk}/deactivate/").status_code == 404
    assert client.post(f"/accounts/staff/{practitioner_a.pk}/reset-mfa/").status_code == 404
    practitioner_a.refresh_from_db()
    assert practitioner_a.is_active is True
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor=manager_b)
    assert [e.detail["reason"] for e in denied] == ["other_site", "other_site"]


def test_it_answers_403_to_a_practitioner_deactivating(
    client_for: ClientFor, practitioner_a: User, receptionist_a: User
) -> None:
    response = client_for(practitioner_a).post(f"/accounts/staff/{receptionist_a.pk}/deactivate/")

    assert response.status_code == 403
    receptionist_a.refresh_from_db()
    assert receptionist_a.is_active is True


def test_it_refuses_deactivating_by_get_and_anonymously(
    client: Client, client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    path = f"/accounts/staff/{practitioner_a.pk}/deactivate/"

    assert client_for(manager_a).get(path).status_code == 405
    assert client.post(path)["Location"].startswith("/accounts/login/")
    practitioner_a.refresh_from_db()
    assert practitioner_a.is_active is True


def test_it_resets_a_members_authenticator_app(
    client_for: ClientFor, manager_a: User, practitioner_a: User
) -> None:
    their_browser = client_for(practitioner_a)  # makes their confirmed device

    response = client_for(manager_a).post(f"/accounts/staff/{practitioner_a.pk}/reset-mfa/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=practitioner_a).exists()
    assert their_browser.get("/accounts/tokens/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="staff")
    assert event.detail == {"change": "second_factor_reset", "devices": 1, "sessions_ended": 1}
