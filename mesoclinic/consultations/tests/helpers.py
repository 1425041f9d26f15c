"""Building consultations and plans for tests, through the services (never raw saves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import AuditEvent
from mesoclinic.consultations import services
from mesoclinic.consultations.models import Consultation
from mesoclinic.patients.models import Patient
from mesoclinic.plans import services as plan_services
from mesoclinic.plans.models import StoredPlan

HELD_AT = dt.datetime(2027, 1, 10, 10, 30, tzinfo=dt.UTC)
CONCERNS: list[dict[str, Any]] = [
    {"concern": "pigmentation", "zones": ["cheeks", "forehead"]},
    {"concern": "hair_loss", "zones": ["scalp"]},
]
XSS_CORPUS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "{% debug %}",
    '=HYPERLINK("http://evil")',
)
XSS_TEXT = " ".join(XSS_CORPUS)


def history(**overrides: Any) -> services.History:
    values: dict[str, Any] = {"concerns": [dict(c) for c in CONCERNS]}
    values.update(overrides)
    return services.History(**values)


def make_consultation(
    patient: Patient, practitioner: User, *, held_at: dt.datetime = HELD_AT, **overrides: Any
) -> Consultation:
    with acting_as(practitioner):
        return services.consultation_create(
            patient_id=patient.pk,
            actor=practitioner,
            held_at=held_at,
            history=history(**overrides),
        )


def make_plan(consultation: Consultation, actor: User, **kwargs: Any) -> StoredPlan:
    with acting_as(actor):
        return plan_services.plan_generate(consultation_id=consultation.pk, actor=actor, **kwargs)


def sign_if_needed(plan: StoredPlan, prescriber: User) -> StoredPlan:
    """The plan, signed by ``prescriber`` if it awaits a prescriber."""
    if not plan.awaits_prescriber:
        return plan
    with acting_as(prescriber):
        return plan_services.plan_sign(actor=prescriber, plan_id=plan.pk)


def url(
    name: str,
    consultation: Consultation | None = None,
    plan: StoredPlan | None = None,
    *,
    patient: Patient | None = None,
) -> str:
    """A consultation or plan page's URL for the given objects."""
    if plan is not None:
        consultation = plan.consultation
    kwargs: dict[str, int] = {}
    if consultation is not None:
        kwargs["patient_id"] = consultation.patient_id
        kwargs["consultation_id"] = consultation.pk
    if patient is not None:
        kwargs["patient_id"] = patient.pk
    if plan is not None:
        kwargs["plan_id"] = plan.pk
    return reverse(_PLAN_PAGES.get(name, f"consultations:{name}"), kwargs=kwargs)


# The plan pages live in the plans app; the tests name them as pages of a consultation.
_PLAN_PAGES = {
    "plan_generate": "plans:generate",
    "plan": "plans:detail",
    "plan_edit": "plans:edit",
    "plan_print": "plans:print",
    "plan_sign": "plans:sign",
}


def events(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))
