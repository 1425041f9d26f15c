"""The list page and the API list run a fixed number of queries, whatever the row count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from mesoclinic.accounts.models import User
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.consultations.tests.helpers import make_consultation, make_plan, url
from mesoclinic.patients.models import Patient

# Session, user, OTP device, the user's sites, the patient, the consultations (practitioner
# joined, plans counted), and the audit INSERT. Pinned: a query per row would break it.
PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_page_queries_do_not_grow_with_rows(
    count: int,
    patient_a: Patient,
    practitioner_a: User,
    client_for: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(count):
        make_plan(make_consultation(patient_a, practitioner_a), practitioner_a)
    client = client_for(practitioner_a)
    client.get(url("list", patient=patient_a))  # warm the session's once-a-minute write
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url("list", patient=patient_a))
    html = response.content.decode()
    assert html.count("consultations/") >= count
    assert html.count("Priya Tester") == count
    assert AuditEvent.objects.filter(
        action=Action.LIST, object_type="consultation"
    ).last().detail == {"count": count}  # type: ignore[union-attr]


@pytest.mark.parametrize("count", [1, 6])
def test_the_api_list_queries_do_not_grow_with_rows(
    count: int,
    patient_a: Patient,
    practitioner_a: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(count):
        make_consultation(patient_a, practitioner_a)
    _, raw = api_token_create(user=practitioner_a, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(f"/api/v1/consultations?patient_id={patient_a.pk}")
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/consultations?patient_id={patient_a.pk}")
    assert len(response.json()) == count
