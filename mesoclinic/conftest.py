"""Shared test personas: one per role at site A, and a practitioner at site B.

Browser tests take ``page`` (Chromium at tablet size, see ``mesoclinic.e2e.browser``). Every
endpoint test can take ``client_for`` and a persona: ``client_for(practitioner_a)`` is a
Django test client signed in as that user, second factor passed. Site B's practitioner is the
"other site" persona whose requests for site A's records must get 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import site_create, staff_create
from mesoclinic.audit.triggers import lift_delete_guard
from mesoclinic.e2e.browser import browser, page  # noqa: F401 - fixtures for every test module
from mesoclinic.patients.models import Patient

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test persona password


@pytest.fixture
def site_a(db: None) -> Site:
    return site_create(name="Harley Street Clinic", code="harley")


@pytest.fixture
def site_b(db: None) -> Site:
    return site_create(name="Leeds Clinic", code="leeds")


def _staff(username: str, role: Role, site: Site, **extra: object) -> User:
    return staff_create(
        username=username,
        password=PASSWORD,
        role=role,
        sites=[site],
        first_name=username.split("_")[0].title(),
        last_name="Tester",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def manager_a(site_a: Site) -> User:
    return _staff("maria_manager", Role.MANAGER, site_a)


@pytest.fixture
def practitioner_a(site_a: Site) -> User:
    return _staff(
        "priya_practitioner",
        Role.PRACTITIONER,
        site_a,
        is_prescriber=True,
        registration_number="NMC 12A3456E",
    )


@pytest.fixture
def receptionist_a(site_a: Site) -> User:
    return _staff("rita_receptionist", Role.RECEPTIONIST, site_a)


@pytest.fixture
def practitioner_b(site_b: Site) -> User:
    return _staff("ben_practitioner", Role.PRACTITIONER, site_b)


@pytest.fixture
def patient_a(site_a: Site) -> Patient:
    return Patient.objects.create(
        site=site_a,
        given_name="Alice",
        family_name="Anderson",
        date_of_birth=dt.date(1984, 3, 14),
        sex="female",
        email="alice@example.org",
        phone="+44 7700 900123",
    )


@pytest.fixture
def patient_b(site_b: Site) -> Patient:
    return Patient.objects.create(
        site=site_b,
        given_name="Bob",
        family_name="Brown",
        date_of_birth=dt.date(1979, 7, 1),
        sex="male",
    )


def verified_client(user: User) -> Client:
    """A client signed in as ``user`` with a confirmed TOTP device, second factor passed."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    return verified_client


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    """MD5 hashing in tests, except those marked ``argon2`` (which check the real hasher).

    Argon2id is deliberately slow (tens of milliseconds per hash), and every persona hashes a
    password; with it the suite spends most of its time hashing.
    """
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_rows_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let a transactional test's flush remove its audit rows on SQLite.

    The database refuses to DELETE audit rows younger than their retention period
    (``audit.triggers``); on SQLite the test flush is such a DELETE. Set up after the database
    fixture, this is torn down before its flush: it lifts the guard, and the flush's
    ``post_migrate`` puts it back.
    """
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    lift_delete_guard(connection)
