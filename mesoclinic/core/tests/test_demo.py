from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_the_demo_manager_with_the_given_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    monkeypatch.setenv("MESOCLINIC_DEMO_PASSWORD", "demo-password-for-tests")

    output = run_demo("--port", "8123")

    user = get_user_model().objects.get(username="demo-manager")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, True, True)
    assert user.check_password("demo-password-for-tests")
    assert output.splitlines() == [
        "Created the demo staff superuser.",
        "",
        "  Mesoclinic:  http://127.0.0.1:8123/",
        "  API docs:    http://127.0.0.1:8123/api/v1/docs",
        "  Admin:       http://127.0.0.1:8123/admin/",
        "",
        "  Username:    demo-manager",
        "  Password:    demo-password-for-tests",
        "",
        "  Sign in:     http://127.0.0.1:8123/accounts/login/",
        "  2nd factor:  the first sign-in leads to http://127.0.0.1:8123/accounts/mfa/;",
        "               scan its QR code with an authenticator app, type the code.",
    ]


@pytest.mark.django_db
def test_it_is_idempotent_and_prints_a_new_random_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    monkeypatch.delenv("MESOCLINIC_DEMO_PASSWORD", raising=False)

    run_demo()
    second = run_demo()

    users = get_user_model().objects.filter(username="demo-manager")
    assert users.count() == 1
    assert second.startswith("Updated the demo staff superuser.")
    password = second.split("Password:")[1].split()[0]
    assert len(password) >= 16
    assert users.get().check_password(password)


@pytest.mark.django_db
def test_it_refuses_to_run_in_production(settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="set MESOCLINIC_DEBUG=1"):
        run_demo()
    assert not get_user_model().objects.filter(username="demo-manager").exists()
