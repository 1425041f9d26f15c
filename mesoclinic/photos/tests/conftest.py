from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import User
from mesoclinic.consent.models import PhotoConsent
from mesoclinic.consent.tests.factories import give_photo_consent
from mesoclinic.patients.models import Patient


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Stored photos go to a directory of their own per test."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def photo_consent(practitioner_a: User, patient_a: Patient) -> PhotoConsent:
    return give_photo_consent(practitioner_a, patient_a)
