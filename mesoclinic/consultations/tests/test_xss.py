"""Stored text (notes, edit reasons, plan text values) renders escaped on every page and print."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.consultations.tests.helpers import (
    XSS_CORPUS,
    XSS_TEXT,
    make_consultation,
    make_plan,
    url,
)
from mesoclinic.patients.models import Patient
from mesoclinic.plans import services
from mesoclinic.plans.models import StoredPlan


@pytest.fixture
def plan(patient_a: Patient, practitioner_a: User) -> StoredPlan:
    consultation = make_consultation(patient_a, practitioner_a, notes=XSS_TEXT)
    plan = make_plan(consultation, practitioner_a)
    with acting_as(practitioner_a):
        services.plan_edit(
            plan_id=plan.pk, path="areas[0].points", value=12, reason=XSS_TEXT, actor=practitioner_a
        )
        services.plan_edit(
            plan_id=plan.pk,
            path="areas[0].substances[0].concentration",
            value=XSS_CORPUS[1],
            reason="typed by hand",
            actor=practitioner_a,
        )
        services.plan_edit(
            plan_id=plan.pk,
            path="courses[0].note",
            value=XSS_TEXT,
            reason=XSS_CORPUS[3],
            actor=practitioner_a,
        )
    return plan


def _assert_escaped(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{7*7}}" in html
    assert ">49<" not in html


@pytest.mark.parametrize("page", ["detail", "edit", "plan", "plan_edit", "plan_print"])
def test_every_page_escapes_the_corpus(
    page: str, plan: StoredPlan, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    target = url(page, plan.consultation) if page in ("detail", "edit") else url(page, plan=plan)
    response = client_for(practitioner_a).get(target)
    assert response.status_code == 200
    html = response.content.decode()
    if page in ("detail", "edit"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the notes
        assert "<script>alert(1)</script>" not in html
    else:
        _assert_escaped(html)


def test_a_rejected_form_echoes_the_corpus_escaped(
    patient_a: Patient, practitioner_a: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(practitioner_a).post(
        url("create", patient=patient_a),
        {
            "held_at": "2027-01-10T10:00",
            "needle_fear": "none",
            "weight_kg": XSS_CORPUS[1],
            "notes": XSS_TEXT,
            "concern_laxity": [XSS_CORPUS[0]],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "<img src=x" not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is not one of the available choices" in html
