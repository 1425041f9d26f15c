from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from pytest_django.fixtures import Settings

from mesoclinic.ops import views


@pytest.fixture(autouse=True)
def _fresh_memo(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock.patch.object(views, "_migrated", False):
        yield


@pytest.mark.django_db
def test_it_answers_ok_naming_each_check(client: Client, tmp_path: Path) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    # The probe's file is removed again.
    assert list((tmp_path / "media" / ".ready").iterdir()) == []


@pytest.mark.django_db
def test_it_answers_503_while_migrations_are_pending(client: Client) -> None:
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        return_value=[("a migration", False)],
    ):
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"
    # Once they are applied, the same process answers ok.
    assert client.get("/ready").status_code == 200


@pytest.mark.django_db
def test_it_answers_503_when_storage_refuses_a_file(client: Client) -> None:
    with mock.patch(
        "django.core.files.storage.FileSystemStorage._save",
        side_effect=OSError(errno.EROFS, "Read-only file system"),
    ):
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "storage": "unavailable"},
    }


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(client: Client) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "unavailable",
        "migrations": "unavailable",
        "storage": "ok",
    }


@pytest.mark.django_db
def test_it_stays_reachable_over_plain_http_when_https_is_enforced(
    client: Client, settings: Settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/ready").status_code == 200


def test_it_refuses_other_methods(client: Client) -> None:
    assert client.post("/ready").status_code == 405
