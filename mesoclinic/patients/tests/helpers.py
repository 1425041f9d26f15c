"""Shared test data for the patients and audit tests: patients, API clients, the XSS corpus."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.patients.models import Patient

# Stored in every text field the patients and audit pages show; each must come back escaped.
XSS_CORPUS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "{% now 'Y' %}",
    "' OR 1=1 --",
)


def assert_inert(page: str, payload: str) -> None:
    """``payload`` appears in ``page`` only escaped: never as markup, never evaluated."""
    assert html.escape(payload) in page, f"{payload!r} is not shown (escaped) in the page"
    if html.escape(payload) != payload:
        assert payload not in page, f"{payload!r} is in the page unescaped"
    assert 'href="javascript:' not in page
    assert "<script>alert" not in page


def make_patient(site: Site, **fields: Any) -> Patient:
    """A patient saved through the model (as fixtures and other apps do); defaults filled in."""
    values: dict[str, Any] = {
        "given_name": "Test",
        "family_name": "Patient",
        "date_of_birth": dt.date(1990, 1, 1),
    }
    values.update(fields)
    return Patient.objects.create(site=site, **values)


class ApiClient:
    """A Django test client that sends ``Authorization: Bearer <token>`` for ``user``."""

    def __init__(self, user: User) -> None:
        _, raw = api_token_create(user=user, name="tests")
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: object = None) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: object) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self.headers)

    def raw(self, method: str, path: str, data: bytes | str = b"") -> Any:
        return self.client.generic(
            method, path, data, content_type="application/json", headers=self.headers
        )


def bulk_patients(site: Site, count: int, *, family_name: str = "Same") -> None:
    """``count`` patients named "<family_name> GivenN", loaded in bulk, then made searchable."""
    from mesoclinic.patients.models import normalise_name
    from mesoclinic.patients.services import patient_search_reindex

    Patient.objects.bulk_create(
        Patient(
            site=site,
            given_name=f"Given{n:04}",
            family_name=family_name,
            search_name=normalise_name(f"{family_name} Given{n:04}"),
            date_of_birth=dt.date(1990, 1, 1),
        )
        for n in range(count)
    )
    patient_search_reindex()
