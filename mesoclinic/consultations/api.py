"""The consultations API (`/api/v1/consultations`): thin endpoints over selectors and services.

Bearer-token authentication (``accounts.api_auth.token_auth``); the member of staff is
``staff(request)``. Access and audit are those of the pages: another site's record is 404, a
role without the capability 403, a write to an archived patient's record 409, bad input 422
with ``{"error", "fields"}`` naming each field and its bad value.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from mesoclinic.accounts.api_auth import token_auth
from mesoclinic.consultations import selectors, services
from mesoclinic.consultations.errors import StaleConsultation
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.schemas import (
    NULLABLE_PATCH_KEYS,
    ConsultationIn,
    ConsultationOut,
    ConsultationPatchIn,
)
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.schemas import ErrorOut
from mesoclinic.core.versions import etag, if_match_version
from mesoclinic.plans import selectors as plan_selectors
from mesoclinic.plans import services as plan_services
from mesoclinic.plans.errors import StalePlan
from mesoclinic.plans.models import StoredPlan
from mesoclinic.plans.schemas import PlanEditIn, PlanEditOut, PlanGenerateIn, StoredPlanOut

router = Router(tags=["consultations"], auth=token_auth)

_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PatientFilter(Schema):
    patient_id: int


@router.get(
    "", response={200: list[ConsultationOut], **_ERRORS}, summary="A patient's consultations"
)
def consultation_list(request: HttpRequest, filters: Query[PatientFilter]) -> list[Consultation]:
    """Newest first. One LIST audit event."""
    _, consultations = selectors.consultation_list(staff(request), filters.patient_id)
    return consultations


@router.post("", response={201: ConsultationOut, **_ERRORS}, summary="Record a consultation")
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[Consultation]:
    """A draft by the calling practitioner; codes are checked against the knowledge base."""
    held_at = payload.held_at or timezone.now()
    if timezone.is_naive(held_at):
        raise Invalid(
            {
                "held_at": [
                    "held_at: give a UTC offset, e.g. 2027-01-11T10:00:00+00:00, got "
                    f'"{held_at.isoformat()}"'
                ]
            }
        )
    history = services.History(
        **payload.model_dump(exclude={"patient_id", "held_at", "concerns"}),
        concerns=[concern.model_dump() for concern in payload.concerns],
    )
    consultation = services.consultation_create(
        actor=staff(request), patient_id=payload.patient_id, held_at=held_at, history=history
    )
    return Status(201, consultation)


@router.get(
    "/{consultation_id}", response={200: ConsultationOut, **_ERRORS}, summary="A consultation"
)
def consultation_get(
    request: HttpRequest, consultation_id: int, response: HttpResponse
) -> Consultation:
    """``ETag`` carries the consultation's version."""
    consultation = selectors.consultation_get_for_user(staff(request), consultation_id)
    response["ETag"] = etag(consultation.version)
    return consultation


@router.patch(
    "/{consultation_id}",
    response={200: ConsultationOut, **_ERRORS},
    summary="Change a draft consultation",
)
def consultation_update(
    request: HttpRequest,
    consultation_id: int,
    payload: ConsultationPatchIn,
    response: HttpResponse,
) -> Any:
    """Change the keys sent, keep the others; audited (UPDATE) with the names of changed fields.

    Concurrent edits: send ``If-Match`` with the ``ETag`` of the copy the change was made on;
    if the consultation changed since, nothing is saved and the answer is 409 with the current
    ``ETag``. Without ``If-Match`` only the keys sent are written, onto the consultation as it
    is at that moment: concurrent changes of different keys all stay, and of the same key the
    later one wins. 422 for a completed consultation (it no longer changes).
    """
    user = staff(request)
    expected = if_match_version(request)
    sent = payload.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in sent.items() if v is None and k not in NULLABLE_PATCH_KEYS)
    if nulls:
        raise Invalid({key: [f"{key}: give a value, got null"] for key in nulls})
    held_at = sent.pop("held_at", None)
    if held_at is not None and timezone.is_naive(held_at):
        raise Invalid({"held_at": [f'held_at: give a UTC offset, got "{held_at.isoformat()}"']})
    history = services.History(**sent)
    try:
        consultation = services.consultation_update(
            actor=user,
            consultation_id=consultation_id,
            held_at=held_at or timezone.now(),
            history=history,
            expected_version=expected,
            only={*sent, *(["held_at"] if held_at is not None else [])},
        )
    except StaleConsultation as stale:
        response["ETag"] = etag(stale.current.version)
        return Status(409, {"error": stale.message, "fields": {}})
    response["ETag"] = etag(consultation.version)
    return consultation


@router.post(
    "/{consultation_id}/plans",
    response={201: StoredPlanOut, **_ERRORS},
    summary="Generate a plan for a consultation",
)
def plan_generate(
    request: HttpRequest, consultation_id: int, payload: PlanGenerateIn
) -> Status[StoredPlan]:
    """Runs the planning engine on the consultation and stores the plan (with no edits yet)."""
    plan = plan_services.plan_generate(
        actor=staff(request), consultation_id=consultation_id, start_date=payload.start_date
    )
    return Status(201, plan)


@router.get(
    "/{consultation_id}/plans",
    response={200: list[StoredPlanOut], **_ERRORS},
    summary="A consultation's plans",
)
def plan_list(request: HttpRequest, consultation_id: int) -> list[StoredPlan]:
    """Newest first, each with its edits oldest first."""
    return plan_selectors.plan_list_for_user(staff(request), consultation_id)


@router.post(
    "/plans/{plan_id}/edits",
    response={201: PlanEditOut, **_ERRORS},
    summary="Change one value of a plan, with a reason",
)
def plan_edit(
    request: HttpRequest, plan_id: int, payload: PlanEditIn, response: HttpResponse
) -> Any:
    """``path`` names one editable value (e.g. ``areas[0].points``); ``reason`` is required.

    The engine's original plan is kept; the edit records the old and the new value.

    Concurrent edits: send ``If-Match`` with the plan's ``version`` (as listed, or the ``ETag``
    of the previous edit's answer); if the plan was edited or signed since, nothing is saved and
    the answer is 409 with the current ``ETag``. Without ``If-Match`` the one value sent is
    changed on the plan as it is at that moment. The answer's ``ETag`` is the plan's new version.
    """
    expected = if_match_version(request)
    try:
        edit = plan_services.plan_edit(
            actor=staff(request),
            plan_id=plan_id,
            path=payload.path,
            value=payload.value,
            reason=payload.reason,
            expected_version=expected,
        )
    except StalePlan as stale:
        response["ETag"] = etag(stale.current.version)
        return Status(409, {"error": stale.message, "fields": {}})
    response["ETag"] = etag(edit.plan.version)
    return Status(201, edit)


@router.post(
    "/plans/{plan_id}/signature",
    response={201: StoredPlanOut, **_ERRORS},
    summary="Sign a plan as its prescriber",
)
def plan_sign(request: HttpRequest, plan_id: int, response: HttpResponse) -> Status[StoredPlan]:
    """A prescriber signs a plan that awaits one (it contains prescription-only medicines).

    Records who, when and their registration number. 403: the caller is not a prescriber;
    422: the plan does not await a prescriber; 409: the patient is archived.
    """
    plan = plan_services.plan_sign(actor=staff(request), plan_id=plan_id)
    response["ETag"] = etag(plan.version)
    return Status(201, plan_selectors.plan_with_edits(plan))
