from __future__ import annotations

from collections.abc import Callable

import pytest

from mesoclinic.accounts.models import User
from mesoclinic.patients.tests.helpers import ApiClient


@pytest.fixture
def api_for(db: None) -> Callable[[User], ApiClient]:
    """``api_for(user)``: an API client with a fresh bearer token of ``user``."""
    return ApiClient
