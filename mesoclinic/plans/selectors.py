"""Reads of stored plans and their edits, each through ``patient_get_for_user`` and audited once.

As ``consultations.selectors``: the acting user first; another site's plan is ``NotFound``
(404), a role without the capability ``Forbidden`` (403), both audited; a plan that does not
exist, or that belongs to another consultation or patient than the URL's, is ``NotFound`` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.selectors import consultation_get_for_user, patient_exists
from mesoclinic.core.errors import NotFound
from mesoclinic.patients.selectors import patient_get_for_user, patient_get_for_write
from mesoclinic.plans.models import PlanEdit, PlanStatus, StoredPlan

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User


def plan_get_for_user(
    user: User,
    plan_id: int,
    *,
    consultation_id: int | None = None,
    patient_id: int | None = None,
    capability: Capability = Capability.VIEW_CLINICAL,
    audit_action: Action | None = Action.VIEW,
) -> StoredPlan:
    """The stored plan with its consultation, patient and creator, if the user may reach it.

    ``consultation_id`` and ``patient_id``, when given, must match the plan's.
    """
    plan = _plan(plan_id, consultation_id, patient_id)
    plan.consultation.patient = patient_get_for_user(
        user,
        plan.consultation.patient_id,
        capability=capability,
        audit_action=audit_action,
        object_type="plan",
        object_id=plan.pk,
        site_id=plan.consultation.site_id,
    )
    return plan


def plan_get_for_write(
    user: User,
    plan_id: int,
    *,
    consultation_id: int | None = None,
    patient_id: int | None = None,
    action: Action = Action.UPDATE,
) -> StoredPlan:
    """The stored plan, for a write by ``user``: reachable with ``EDIT_CLINICAL``, and its patient
    not archived (``PatientArchived``, 409, audited as a refused ``action``).

    The one way services that write to a plan fetch it. Records no VIEW event: the service
    audits its write.
    """
    plan = _plan(plan_id, consultation_id, patient_id)
    plan.consultation.patient = patient_get_for_write(
        user,
        plan.consultation.patient_id,
        capability=Capability.EDIT_CLINICAL,
        object_type="plan",
        action=action,
    )
    return plan


def _plan(plan_id: int, consultation_id: int | None, patient_id: int | None) -> StoredPlan:
    """The plan with its consultation, patient and creator; ``NotFound`` (audited) if there is
    none, or if it is not ``consultation_id``'s or ``patient_id``'s."""
    plan = (
        StoredPlan.objects.select_related(
            "consultation__patient__site",
            "consultation__site",
            "consultation__practitioner",
            "created_by",
        )
        .filter(pk=plan_id)
        .first()
    )
    mismatch = plan is not None and (
        (consultation_id is not None and plan.consultation_id != consultation_id)
        or (patient_id is not None and plan.consultation.patient_id != patient_id)
    )
    if plan is None or mismatch:
        audit_denied(
            reason="no_such_plan",
            object_type="plan",
            object_id=plan_id,
            patient_id=patient_id if patient_exists(patient_id) else None,
        )
        raise NotFound("No such plan.")
    return plan


def plans_of(consultation: Consultation) -> list[StoredPlan]:
    """The consultation's plans, newest first, with their creators and edit counts.

    No access check: call it only with a consultation from ``consultation_get_for_user``.
    """
    return list(
        StoredPlan.objects.filter(consultation=consultation)
        .select_related("created_by")
        .annotate(edit_count=Count("edits"))
        .order_by("-created_at", "-id")
    )


def latest_plan_of(consultation: Consultation) -> StoredPlan | None:
    """The consultation's newest plan, or None. Same rule as ``plans_of``."""
    return (
        StoredPlan.objects.filter(consultation=consultation)
        .select_related("created_by")
        .order_by("-created_at", "-id")
        .first()
    )


def edits_of(plan: StoredPlan) -> QuerySet[PlanEdit]:
    """The plan's edits, oldest first, with their authors. Same rule as ``plans_of``."""
    return (
        PlanEdit.objects.filter(plan=plan).select_related("edited_by").order_by("edited_at", "id")
    )


def plan_list_for_user(user: User, consultation_id: int) -> list[StoredPlan]:
    """The consultation's plans with their edits, newest first; one LIST event for the read.

    Cost: the accessor's queries, one SELECT of the plans and one of their edits.
    """
    consultation = consultation_get_for_user(user, consultation_id, audit_action=None)
    plans = list(
        StoredPlan.objects.filter(consultation=consultation)
        .prefetch_related(Prefetch("edits", queryset=PlanEdit.objects.order_by("edited_at", "id")))
        .order_by("-created_at", "-id")
    )
    audit_record(
        action=Action.LIST,
        object_type="plan",
        patient_id=consultation.patient_id,
        site_id=consultation.site_id,
        detail={"consultation_id": consultation.pk, "count": len(plans)},
    )
    return plans


def plan_with_edits(plan: StoredPlan) -> StoredPlan:
    """The plan with its edits (oldest first) prefetched, for the API's answer after a write.

    No access check and no audit event: call it only with a plan the caller's write returned.
    """
    return (
        StoredPlan.objects.prefetch_related(
            Prefetch("edits", queryset=PlanEdit.objects.order_by("edited_at", "id"))
        )
        .select_related("consultation")
        .get(pk=plan.pk)
    )


@dataclass(frozen=True)
class CourseToBook:
    """A course of one of the patient's plans, as the diary offers it: its schedule only.

    Booking staff may hold the capability to book without the one to read clinical records, so
    no substance, dose or zone is carried: the plan's date, whether it is ready, the numbers.
    """

    plan_id: int
    index: int  # the course's place in the plan's ``courses``, from 0
    planned_on: dt.date
    ready: bool  # needs no prescriber's signature, or has it
    sessions: int
    interval_days: int
    session_days: tuple[int, ...]


def plan_courses_to_book(user: User, *, patient_id: int) -> list[CourseToBook]:
    """The courses of the patient's newest plan of each consultation that state a number of
    sessions and an interval (one "not established" is not offered: the clinician decides),
    newest first. One LIST event, object_type "plan_schedule".

    Cost: the accessor's queries and one SELECT of the plans.
    """
    patient = patient_get_for_user(
        user, patient_id, capability=Capability.BOOK, audit_action=None, object_type="plan"
    )
    plans = (
        StoredPlan.objects.filter(consultation__patient=patient)
        .only("id", "consultation_id", "created_at", "status", "current")
        .order_by("-created_at", "-id")
    )
    offers: list[CourseToBook] = []
    seen: set[int] = set()
    for plan in plans:
        if plan.consultation_id in seen:
            continue
        seen.add(plan.consultation_id)
        for index, course in enumerate(plan.current.get("courses") or []):
            sessions, interval = course.get("sessions"), course.get("interval_days")
            if not (isinstance(sessions, int) and isinstance(interval, int)):
                continue
            offers.append(
                CourseToBook(
                    plan_id=plan.pk,
                    index=index,
                    planned_on=plan.created_at.astimezone(patient.site.zone).date(),
                    ready=plan.status != PlanStatus.AWAITING_PRESCRIBER,
                    sessions=sessions,
                    interval_days=interval,
                    session_days=tuple(course.get("session_days") or ()),
                )
            )
    audit_record(
        action=Action.LIST,
        object_type="plan_schedule",
        patient_id=patient.pk,
        site_id=patient.site_id,
        detail={"plans": sorted({offer.plan_id for offer in offers})},
    )
    return offers
