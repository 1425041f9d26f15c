"""The second factor: setting up an authenticator app, typing its codes, the guard on pages."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.mfa import secret_base32
from mesoclinic.accounts.models import User
from mesoclinic.accounts.tests.helpers import (
    current_code,
    device_of,
    password_step,
    sign_in,
)
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD
from mesoclinic.demo.services import demo_manager_upsert

MFA = "/accounts/mfa/"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    response = client.get(MFA)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/mfa/"


def test_it_shows_a_qr_code_and_the_secret_the_first_time(
    client: Client, practitioner_a: User
) -> None:
    password_step(client, practitioner_a)

    page = client.get(MFA).content.decode()

    device = device_of(practitioner_a)
    assert device.confirmed is False
    assert "<h1>Set up your authenticator app</h1>" in page
    match = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert match is not None
    svg = base64.b64decode(match.group(1)).decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg
    secret = secret_base32(device)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "<svg" not in page  # no inline SVG in the HTML itself


def test_it_keeps_the_same_secret_when_the_set_up_page_is_reloaded(
    client: Client, practitioner_a: User
) -> None:
    password_step(client, practitioner_a)

    first = client.get(MFA).content.decode()
    second = client.get(MFA).content.decode()

    assert TOTPDevice.objects.filter(user=practitioner_a).count() == 1
    secret = secret_base32(device_of(practitioner_a))[:4]
    image = re.compile(r'<img src="(data:[^"]+)"')
    assert image.findall(first) == image.findall(second)
    assert f'<code class="secret">{secret}' in first
    assert f'<code class="secret">{secret}' in second


def test_it_confirms_the_app_with_a_real_code_and_lets_the_user_in(
    client: Client, practitioner_a: User
) -> None:
    password_step(client, practitioner_a, next_url="/accounts/tokens/")
    client.get(MFA)
    session_key = client.session.session_key

    response = client.post(
        MFA,
        {"code": current_code(device_of(practitioner_a)), "next": "/accounts/tokens/"},
    )

    # Setting up ends on the page of recovery codes, which leads on to ``next``.
    assert response.status_code == 200
    assert '<a href="/accounts/tokens/">I have kept them: continue</a>' in response.content.decode()
    assert device_of(practitioner_a).confirmed is True
    assert client.session.session_key != session_key
    assert client.get("/accounts/tokens/").status_code == 200
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("id")
    assert (event.actor, event.detail) == (practitioner_a, {"step": "second_factor"})


def test_it_asks_only_for_the_code_once_the_app_is_set_up(
    client: Client, practitioner_a: User
) -> None:
    sign_in(client, practitioner_a)
    client.post("/accounts/logout/")

    # The next 30-second step: a code is accepted once only.
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        location = password_step(client, practitioner_a)
        page = client.get(location).content.decode()
        response = client.post(MFA, {"code": current_code(device_of(practitioner_a))})

    assert "<h1>Enter your code</h1>" in page
    assert "data:image/svg+xml" not in page
    assert response.status_code == 302
    assert response["Location"] == "/patients/"


def test_it_takes_a_code_typed_with_a_space(client: Client, practitioner_a: User) -> None:
    password_step(client, practitioner_a)
    client.get(MFA)
    code = current_code(device_of(practitioner_a))

    response = client.post(MFA, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 200
    assert device_of(practitioner_a).confirmed is True


def test_it_refuses_a_wrong_code_naming_the_field_and_the_value(
    client: Client, practitioner_a: User
) -> None:
    password_step(client, practitioner_a)
    client.get(MFA)
    wrong = _wrong(current_code(device_of(practitioner_a)))

    response = client.post(MFA, {"code": wrong})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Code: “{wrong}” is not the code your app shows now; type the current one." in page
    assert '<a href="#id_code">' in page
    assert device_of(practitioner_a).confirmed is False
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.detail == {
        "step": "second_factor",
        "reason": "wrong_code",
        "username": "priya_practitioner",
    }
    assert client.get("/patients/")["Location"].startswith(MFA)


@pytest.mark.parametrize("typed", ["12345", "abcdef", "1234567", ""])
def test_it_refuses_what_is_not_six_digits(
    client: Client, practitioner_a: User, typed: str
) -> None:
    password_step(client, practitioner_a)

    page = client.post(MFA, {"code": typed}).content.decode()

    expected = f"Code: “{typed}” is not 6 digits." if typed else "Code: it is empty"
    assert expected in page
    assert not AuditEvent.objects.filter(action=Action.LOGIN_FAILED).exists()


def test_it_slows_down_repeated_wrong_codes(client: Client, practitioner_a: User) -> None:
    password_step(client, practitioner_a)
    client.get(MFA)
    good = current_code(device_of(practitioner_a))
    # Failures 1, 2 and 3, each after the wait the previous one imposed (1 s, then 2 s).
    for seconds in (10, 11.5, 14):
        with time_machine.travel(NOW + dt.timedelta(seconds=seconds), tick=False):
            client.post(MFA, {"code": _wrong(good)})

    # The fourth try must wait 4 seconds after the third: even the right code is refused.
    with time_machine.travel(NOW + dt.timedelta(seconds=16), tick=False):
        throttled = client.post(MFA, {"code": good})
    with time_machine.travel(NOW + dt.timedelta(seconds=18), tick=False):
        allowed = client.post(MFA, {"code": good})

    assert "Code: too many wrong codes; wait 2 seconds" in throttled.content.decode()
    assert allowed.status_code == 200
    assert device_of(practitioner_a).confirmed is True
    assert AuditEvent.objects.filter(detail__reason="throttled").count() == 1


def test_it_refuses_a_code_used_before(client: Client, practitioner_a: User) -> None:
    sign_in(client, practitioner_a)
    used = current_code(device_of(practitioner_a))
    other = Client()
    password_step(other, practitioner_a)

    response = other.post(MFA, {"code": used})

    assert response.status_code == 200
    assert "is not the code your app shows now" in response.content.decode()


def test_it_sends_a_verified_user_on_to_next(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    response = client_for(practitioner_a).get(MFA, {"next": "/accounts/tokens/"})

    assert response["Location"] == "/accounts/tokens/"


def test_it_answers_405_to_other_methods(client: Client, practitioner_a: User) -> None:
    password_step(client, practitioner_a)

    assert client.put(MFA).status_code == 405


@pytest.mark.parametrize(
    "path", ["/patients/", "/accounts/tokens/", "/accounts/staff/", "/accounts/password/"]
)
def test_it_holds_every_page_until_the_second_factor(
    client: Client, manager_a: User, path: str
) -> None:
    password_step(client, manager_a)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/mfa/?next={path.replace('/', '%2F')}"


def test_it_leaves_sign_out_and_the_api_open_before_the_second_factor(
    client: Client, practitioner_a: User
) -> None:
    password_step(client, practitioner_a)

    # The API's own authentication answers, not a redirect to a page.
    assert client.get("/api/v1/patients").status_code == 401
    assert client.post("/accounts/logout/").status_code == 302


def test_the_demo_manager_gets_in_by_setting_up_the_app_on_first_sign_in(
    client: Client, db: None
) -> None:
    demo, _ = demo_manager_upsert(password=PASSWORD)

    location = password_step(client, demo)
    setup = client.get(location)
    response = client.post(MFA, {"code": current_code(device_of(demo))})

    assert "Set up your authenticator app" in setup.content.decode()
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 200
