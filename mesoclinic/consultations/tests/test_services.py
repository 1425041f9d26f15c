"""Consultation writes: create, update, complete; validation, locking and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action
from mesoclinic.consultations import services
from mesoclinic.consultations.models import Consultation, Status
from mesoclinic.consultations.tests.helpers import HELD_AT, events, history, make_consultation
from mesoclinic.core.errors import Invalid
from mesoclinic.patients.models import Patient
from mesoclinic.plans import services as plan_services


def test_it_creates_a_draft_with_the_snapshot_and_audits_it(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(
        patient_a,
        practitioner_a,
        conditions=["diabetes"],
        allergies=["lidocaine"],
        weight_kg=Decimal("61.5"),
        fitzpatrick_type="IV",
        notes="Line one\r\nLine two",
    )
    stored = Consultation.objects.get(pk=consultation.pk)
    assert stored.status == Status.DRAFT
    assert stored.site_id == patient_a.site_id
    assert stored.practitioner == practitioner_a
    assert stored.held_at == HELD_AT
    assert stored.conditions == ["diabetes"]
    assert stored.weight_kg == Decimal("61.5")
    assert stored.notes == "Line one\nLine two"
    assert stored.concerns[0] == {"concern": "pigmentation", "zones": ["cheeks", "forehead"]}
    [event] = events(object_type="consultation", action=Action.CREATE)
    assert (event.actor, event.patient_id, event.object_id) == (
        practitioner_a,
        patient_a.pk,
        str(stored.pk),
    )
    assert event.detail == {"status": "draft"}


def test_it_refuses_unknown_codes_naming_the_nearest_one(
    patient_a: Patient, practitioner_a: User
) -> None:
    with pytest.raises(Invalid) as caught:
        make_consultation(
            patient_a,
            practitioner_a,
            concerns=[{"concern": "hairloss", "zones": ["scalp", "scalpp"]}],
            medications=["isotretinion"],
        )
    assert caught.value.errors == {
        "medications": [
            'medications[0]: unknown medication "isotretinion" (did you mean "isotretinoin"?)'
        ],
        "concerns": [
            'concerns[0].concern: unknown concern "hairloss" (did you mean "hair_loss"?)',
            'concerns[0].zones[1]: unknown zone "scalpp" (did you mean "scalp"?)',
        ],
    }
    assert not Consultation.objects.exists()
    assert not events(action=Action.CREATE)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"weight_kg": Decimal("0.5")}, "weight_kg", "got 0.5"),
        ({"weight_kg": Decimal("61.25")}, "weight_kg", '(got "61.25")'),
        ({"needle_fear": "terrified"}, "needle_fear", 'got "terrified"'),
        ({"fitzpatrick_type": "VII"}, "fitzpatrick_type", '(got "VII")'),
        ({"pregnant": True, "childbearing_potential": False}, "childbearing_potential", 'got "no"'),
        ({"concerns": [{"concern": "laxity", "zones": []}]}, "concerns", "at least one zone"),
        (
            {
                "concerns": [
                    {"concern": "laxity", "zones": ["neck"]},
                    {"concern": "laxity", "zones": ["chin"]},
                ]
            },
            "concerns",
            "duplicate concern",
        ),
    ],
)
def test_it_names_the_field_and_the_bad_value(
    patient_a: Patient,
    practitioner_a: User,
    overrides: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    with pytest.raises(Invalid) as caught:
        make_consultation(patient_a, practitioner_a, **overrides)
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field][0].startswith(f"{field}")
    assert fragment in caught.value.errors[field][0]


def test_it_updates_a_draft_and_audits_the_changed_field_names_only(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    with acting_as(practitioner_a):
        services.consultation_update(
            consultation_id=consultation.pk,
            actor=practitioner_a,
            held_at=HELD_AT,
            history=history(
                notes="secret detail", concerns=[{"concern": "laxity", "zones": ["neck"]}]
            ),
        )
    consultation.refresh_from_db()
    assert consultation.concerns == [{"concern": "laxity", "zones": ["neck"]}]
    [event] = events(object_type="consultation", action=Action.UPDATE)
    assert event.detail == {"fields": ["notes", "concerns"], "by": practitioner_a.pk}
    assert "secret" not in str(event.detail)


@time_machine.travel(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC), tick=False)
def test_it_completes_a_draft_once_and_then_refuses_changes(
    patient_a: Patient, practitioner_a: User
) -> None:
    consultation = make_consultation(patient_a, practitioner_a)
    with acting_as(practitioner_a):
        services.consultation_complete(consultation_id=consultation.pk, actor=practitioner_a)
    consultation.refresh_from_db()
    assert consultation.status == Status.COMPLETED
    assert consultation.completed_at == dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC)
    with pytest.raises(Invalid) as caught:
        services.consultation_update(
            consultation_id=consultation.pk,
            actor=practitioner_a,
            held_at=HELD_AT,
            history=history(),
        )
    assert "completed" in caught.value.errors["status"][0]
    with pytest.raises(Invalid):
        services.consultation_complete(consultation_id=consultation.pk, actor=practitioner_a)
    with pytest.raises(Invalid):
        plan_services.plan_generate(consultation_id=consultation.pk, actor=practitioner_a)


def test_the_database_refuses_a_completed_row_without_its_time(
    patient_a: Patient, practitioner_a: User
) -> None:
    from django.db import IntegrityError, transaction

    consultation = make_consultation(patient_a, practitioner_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(status="completed")
