"""What the settings module does with its environment, each case in a fresh interpreter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mesoclinic.core.tests.helpers import PRODUCTION_KEY, django_setup_code, run_python
from mesoclinic.settings import DEVELOPMENT_SECRET_KEY

SETUP = django_setup_code()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "MESOCLINIC_SECRET_KEY is not set"),
        (
            {"MESOCLINIC_SECRET_KEY": DEVELOPMENT_SECRET_KEY},
            "MESOCLINIC_SECRET_KEY is the development key",
        ),
        (
            {"MESOCLINIC_SECRET_KEY": "short-but-not-empty"},
            "MESOCLINIC_SECRET_KEY is too short or too repetitive (19 characters)",
        ),
        (
            {"MESOCLINIC_SECRET_KEY": "ab" * 40},
            "MESOCLINIC_SECRET_KEY is too short or too repetitive (80 characters)",
        ),
    ],
)
def test_it_refuses_to_start_in_production_without_a_real_secret_key(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    result = run_python("-c", SETUP, MESOCLINIC_DATA_DIR=str(tmp_path), **variables)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr
    assert "MESOCLINIC_DEBUG=1" in result.stderr


def test_it_starts_in_production_with_a_real_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION_KEY + "\n", encoding="utf-8")
    code = django_setup_code(
        "from django.conf import settings",
        "print(settings.DEBUG, settings.SECRET_KEY == " + repr(PRODUCTION_KEY) + ")",
    )
    result = run_python(
        "-c", code, MESOCLINIC_DATA_DIR=str(tmp_path), MESOCLINIC_SECRET_KEY_FILE=str(key_file)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_it_allows_the_development_key_in_debug(tmp_path: Path) -> None:
    code = django_setup_code("from django.conf import settings", "print(settings.SECRET_KEY)")
    result = run_python("-c", code, MESOCLINIC_DATA_DIR=str(tmp_path), MESOCLINIC_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DEVELOPMENT_SECRET_KEY


def test_it_refuses_a_bad_debug_value_naming_it(tmp_path: Path) -> None:
    result = run_python("-c", SETUP, MESOCLINIC_DATA_DIR=str(tmp_path), MESOCLINIC_DEBUG="maybe")
    assert result.returncode != 0
    assert "MESOCLINIC_DEBUG='maybe' is not a boolean" in result.stderr


def test_it_refuses_an_unknown_time_zone(tmp_path: Path) -> None:
    result = run_python(
        "-c",
        SETUP,
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_TIME_ZONE="Europe/Londn",
    )
    assert result.returncode != 0
    assert "MESOCLINIC_TIME_ZONE='Europe/Londn' is not an IANA time zone" in result.stderr


def test_it_uses_sqlite_in_wal_mode_in_the_data_dir_by_default(tmp_path: Path) -> None:
    data_dir = tmp_path / "created-on-use"
    code = django_setup_code(
        "import json",
        "from django.db import connection",
        "with connection.cursor() as cursor:",
        "    pragmas = {",
        "        name: cursor.execute(f'PRAGMA {name}').fetchone()[0]",
        "        for name in ['journal_mode', 'foreign_keys', 'synchronous', 'busy_timeout']",
        "    }",
        "name = str(connection.settings_dict['NAME'])",
        "print(json.dumps({'vendor': connection.vendor, 'name': name, 'pragmas': pragmas}))",
    )
    result = run_python("-c", code, MESOCLINIC_DEBUG="1", MESOCLINIC_DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "vendor": "sqlite",
        "name": str(data_dir / "mesoclinic.sqlite3"),
        # synchronous 1 is NORMAL.
        "pragmas": {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": 1,
            "busy_timeout": 20000,
        },
    }


def test_it_switches_to_the_database_in_database_url(tmp_path: Path) -> None:
    code = django_setup_code(
        "import json",
        "from django.conf import settings",
        "db = settings.DATABASES['default']",
        "print(json.dumps({key: db[key] for key in ['ENGINE', 'NAME', 'USER', 'HOST', 'PORT']}))",
    )
    result = run_python(
        "-c",
        code,
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path / "unused"),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/mesoclinic",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "mesoclinic",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": 5432,
    }
    # With a database elsewhere the data directory is not created for SQLite's sake.
    assert not (tmp_path / "unused").exists()


def test_it_passes_the_deploy_check_in_production(tmp_path: Path) -> None:
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_SECRET_KEY=PRODUCTION_KEY,
        MESOCLINIC_ALLOWED_HOSTS="clinic.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
