"""A flood of enquiries from one address is throttled; other addresses and staff are not."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Site, User
from mesoclinic.conftest import PASSWORD, verified_client
from mesoclinic.enquiries.models import Enquiry, SendAttempt
from mesoclinic.enquiries.tests.helpers import form_data

URL = "/enquiry/"


def _send(site: Site, address: str, n: int = 0) -> int:
    client = Client(REMOTE_ADDR=address)
    response = client.post(URL, form_data(site, email=f"flood{n}@example.org"))
    return int(response.status_code)


def test_it_throttles_a_flood_from_one_address_and_not_another(
    site_a: Site, settings: Settings
) -> None:
    settings.ENQUIRY_LIMIT = 5
    answers = [_send(site_a, "203.0.113.7", n) for n in range(8)]
    assert answers == [302] * 5 + [429] * 3
    assert Enquiry.objects.count() == 5
    refused = Client(REMOTE_ADDR="203.0.113.7").post(URL, form_data(site_a))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.ENQUIRY_WINDOW_SECONDS
    assert "Too many enquiries from this connection" in refused.content.decode()
    assert _send(site_a, "198.51.100.9") == 302


def test_it_lets_an_address_send_again_after_the_window(site_a: Site, settings: Settings) -> None:
    settings.ENQUIRY_LIMIT = 2
    assert [_send(site_a, "203.0.113.7", n) for n in range(3)] == [302, 302, 429]
    SendAttempt.objects.update(at=timezone.now() - dt.timedelta(hours=2))
    assert _send(site_a, "203.0.113.7", 9) == 302


def test_it_stores_no_client_address(site_a: Site) -> None:
    _send(site_a, "203.0.113.7")
    key = SendAttempt.objects.get().address_key
    assert "203.0.113.7" not in key
    assert len(key) == 64


def test_it_leaves_staff_sign_in_and_pages_alone_during_a_flood(
    site_a: Site, receptionist_a: User, settings: Settings
) -> None:
    settings.ENQUIRY_LIMIT = 2
    for n in range(5):
        _send(site_a, "203.0.113.7", n)
    assert _send(site_a, "203.0.113.7", 99) == 429
    staff = Client(REMOTE_ADDR="203.0.113.7")
    response = staff.post(
        "/accounts/login/", {"username": receptionist_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302  # on to the second factor, not refused
    assert response["Location"].startswith("/accounts/mfa/")
    signed_in = verified_client(receptionist_a)
    signed_in.defaults["REMOTE_ADDR"] = "203.0.113.7"
    assert signed_in.get("/patients/").status_code == 200
    assert signed_in.get("/enquiries/").status_code == 200
