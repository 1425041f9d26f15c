from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import User
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.tests.factories import publish
from mesoclinic.consent.tests.flush import consent_records_removed  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Stored signatures and photos go to a directory of their own per test."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def face_template(practitioner_a: User) -> ConsentTemplate:
    return publish(practitioner_a)
