"""Recovery codes: ten one-time codes shown once at set-up, kept only as digests, each usable
once instead of the app's code; making new ones ends the old ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import (  # type: ignore[import-untyped,unused-ignore]
    StaticDevice,
    StaticToken,
)

from mesoclinic.accounts.mfa_services import recovery_code_digest, recovery_codes_generate
from mesoclinic.accounts.models import User
from mesoclinic.accounts.services import staff_mfa_reset
from mesoclinic.accounts.tests.helpers import (
    current_code,
    device_of,
    password_step,
    recovery_codes_shown,
)
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD

MFA = "/accounts/mfa/"
PAGE = "/accounts/mfa/recovery-codes/"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def _set_up(client: Client, user: User) -> list[str]:
    """Sign in for the first time, setting up the app; return the codes the page shows."""
    password_step(client, user)
    client.get(MFA)
    response = client.post(MFA, {"code": current_code(device_of(user))})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return recovery_codes_shown(response.content.decode())


def _second_sign_in(client: Client, user: User) -> None:
    client.post("/accounts/logout/")
    password_step(client, user)


def test_setting_up_the_app_shows_ten_codes_once_and_keeps_only_digests(
    client: Client, practitioner_a: User
) -> None:
    codes = _set_up(client, practitioner_a)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=practitioner_a).values_list("token", flat=True)
    )
    assert stored == {recovery_code_digest(code) for code in codes}
    assert not {code.replace("-", "") for code in codes} & stored
    event = AuditEvent.objects.get(detail__change="recovery_codes_generated")
    assert event.detail == {"change": "recovery_codes_generated", "count": 10}
    assert not any(code in str(e.detail) for e in AuditEvent.objects.all() for code in codes)
    # Never shown again: the page afterwards only counts them.
    page = client.get(PAGE).content.decode()
    assert "You have 10 unused recovery codes." in page
    assert recovery_codes_shown(page) == []


def test_a_recovery_code_signs_in_once_instead_of_the_app(
    client: Client, practitioner_a: User
) -> None:
    codes = _set_up(client, practitioner_a)
    _second_sign_in(client, practitioner_a)
    session_key = client.session.session_key

    page = client.get(MFA).content.decode()
    response = client.post(MFA, {"recovery_code": codes[3].upper().replace("-", " ")})

    assert "Use a recovery code" in page
    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    assert client.session.session_key != session_key
    assert client.get("/patients/").status_code == 200
    assert StaticToken.objects.filter(device__user=practitioner_a).count() == 9
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("id")
    assert (event.actor, event.detail) == (
        practitioner_a,
        {"step": "recovery_code", "codes_left": 9},
    )
    # Used once: the same code is refused at the next sign-in.
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        _second_sign_in(client, practitioner_a)
        again = client.post(MFA, {"recovery_code": codes[3]})
    assert again.status_code == 200
    assert "Recovery code: it is not one of your unused codes" in again.content.decode()
    assert client.get("/patients/")["Location"].startswith(MFA)


def test_a_wrong_recovery_code_is_refused_naming_the_field_and_audited(
    client: Client, practitioner_a: User
) -> None:
    _set_up(client, practitioner_a)
    _second_sign_in(client, practitioner_a)

    wrong = client.post(MFA, {"recovery_code": "aaaa-bbbb-cccc-dddd-eeee-ffff"}).content.decode()
    shape = client.post(MFA, {"recovery_code": "not a code"}).content.decode()

    assert "Recovery code: it is not one of your unused codes; check it and try again." in wrong
    assert '<a href="#id_recovery_code">' in wrong
    assert "Recovery code: “not a code” is not 24 letters and digits in six groups." in shape
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
    assert [e.detail["reason"] for e in failed] == ["wrong_code"]
    assert failed.get().detail["step"] == "recovery_code"


def test_wrong_recovery_codes_are_throttled(client: Client, practitioner_a: User) -> None:
    codes = _set_up(client, practitioner_a)
    _second_sign_in(client, practitioner_a)

    client.post(MFA, {"recovery_code": "aaaa-bbbb-cccc-dddd-eeee-ffff"})
    throttled = client.post(MFA, {"recovery_code": codes[0]})

    assert "Recovery code: too many wrong codes; wait 1 seconds" in throttled.content.decode()
    assert StaticToken.objects.filter(device__user=practitioner_a).count() == 10
    with time_machine.travel(NOW + dt.timedelta(seconds=2), tick=False):
        assert client.post(MFA, {"recovery_code": codes[0]}).status_code == 302


def test_the_set_up_page_offers_no_recovery_code(client: Client, practitioner_a: User) -> None:
    password_step(client, practitioner_a)

    page = client.get(MFA).content.decode()
    response = client.post(MFA, {"recovery_code": "aaaa-bbbb-cccc-dddd-eeee-ffff"})

    assert "Use a recovery code" not in page
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(detail__step="recovery_code").exists()


def test_making_new_codes_ends_the_old_ones(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    client = client_for(practitioner_a)
    with acting_as(practitioner_a):
        old = recovery_codes_generate(user=practitioner_a)

    response = client.post(PAGE, {"password": PASSWORD})

    new = recovery_codes_shown(response.content.decode())
    assert response.status_code == 200
    assert len(new) == 10
    assert not set(old) & set(new)
    assert StaticDevice.objects.filter(user=practitioner_a).count() == 1
    stored = set(
        StaticToken.objects.filter(device__user=practitioner_a).values_list("token", flat=True)
    )
    assert stored == {recovery_code_digest(code) for code in new}
    assert AuditEvent.objects.filter(detail__change="recovery_codes_generated").count() == 2


def test_making_new_codes_asks_for_the_current_password(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    client = client_for(practitioner_a)
    with acting_as(practitioner_a):
        old = recovery_codes_generate(user=practitioner_a)

    response = client.post(PAGE, {"password": "not-it"})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_password">Current password: it is not your current password.</a>' in page
    assert recovery_codes_shown(page) == []
    stored = set(
        StaticToken.objects.filter(device__user=practitioner_a).values_list("token", flat=True)
    )
    assert stored == {recovery_code_digest(code) for code in old}
    refused = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert refused.detail == {
        "step": "reauthenticate",
        "purpose": "recovery_codes",
        "reason": "wrong_password",
    }


def test_the_page_needs_the_second_factor(client: Client, practitioner_a: User) -> None:
    password_step(client, practitioner_a)

    response = client.post(PAGE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(MFA)
    assert not StaticDevice.objects.filter(user=practitioner_a).exists()


def test_a_managers_reset_of_the_app_removes_the_codes(
    manager_a: User, practitioner_a: User
) -> None:
    with acting_as(practitioner_a):
        recovery_codes_generate(user=practitioner_a)

    with acting_as(manager_a):
        staff_mfa_reset(staff=practitioner_a, actor=manager_a)

    assert not StaticDevice.objects.filter(user=practitioner_a).exists()
    assert not StaticToken.objects.filter(device__user=practitioner_a).exists()
