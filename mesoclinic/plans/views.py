"""Plan pages: generate, read on the map, edit one value with a reason, sign as a prescriber,
print on A4.

Thin like every view: ``selectors`` check access and audit the read (PRINT for the print view),
``services`` check the rules and audit the write.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.consultations import planning_adapter
from mesoclinic.consultations.selectors import consultation_get_for_user
from mesoclinic.consultations.views import render_detail
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import add_invalid
from mesoclinic.core.http import staff
from mesoclinic.core.versions import posted_version
from mesoclinic.planning.knowledge_model import Knowledge
from mesoclinic.plans import selectors, services
from mesoclinic.plans.display import path_label, plan_display, show_value
from mesoclinic.plans.edits import EditError, current_value
from mesoclinic.plans.errors import StalePlan
from mesoclinic.plans.forms import PlanEditForm, PlanGenerateForm
from mesoclinic.plans.models import StoredPlan
from mesoclinic.plans.prescribing import prescription_only_substances


@login_required
@require_POST
def plan_generate(request: HttpRequest, patient_id: int, consultation_id: int) -> HttpResponse:
    consultation = consultation_get_for_user(
        staff(request),
        consultation_id,
        patient_id=patient_id,
        capability=Capability.EDIT_CLINICAL,
        audit_action=None,
    )
    form = PlanGenerateForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_generate(
                actor=staff(request),
                consultation_id=consultation.pk,
                patient_id=patient_id,
                start_date=form.cleaned_data["start_date"],
            )
        except Invalid as error:
            add_invalid(form, error)
        else:
            messages.success(request, "Plan generated.")
            return redirect(_plan_url("plans:detail", plan))
    return render_detail(request, consultation, form, status=422)


@login_required
@require_GET
def plan_detail(
    request: HttpRequest, patient_id: int, consultation_id: int, plan_id: int
) -> HttpResponse:
    plan = selectors.plan_get_for_user(
        staff(request),
        plan_id,
        consultation_id=consultation_id,
        patient_id=patient_id,
    )
    return render(request, "plans/plan.html", _plan_context(plan))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(
    request: HttpRequest, patient_id: int, consultation_id: int, plan_id: int
) -> HttpResponse:
    plan = selectors.plan_get_for_user(
        staff(request),
        plan_id,
        consultation_id=consultation_id,
        patient_id=patient_id,
        capability=Capability.EDIT_CLINICAL,
        audit_action=Action.VIEW if request.method == "GET" else None,
    )
    knowledge = planning_adapter.knowledge()
    if not plan.consultation.is_draft:
        messages.error(request, "This consultation is completed: its plans can no longer change.")
        return redirect(_plan_url("plans:detail", plan))
    conflict: dict[str, str] | None = None
    # The version the page was filled from: an invalid POST keeps the one sent, so a change by
    # someone else meanwhile is still caught when the user corrects and saves again.
    version = posted_version(request) if request.method == "POST" else None
    if request.method == "POST":
        form = PlanEditForm(request.POST, plan=plan.current, knowledge=knowledge)
        if form.is_valid():
            try:
                services.plan_edit(
                    actor=staff(request),
                    plan_id=plan.pk,
                    consultation_id=consultation_id,
                    patient_id=patient_id,
                    path=form.cleaned_data["path"],
                    value=form.cleaned_data["typed_value"],
                    reason=form.cleaned_data["reason"],
                    expected_version=version,
                )
            except StalePlan as stale:
                # The value stored now beside the one typed; the hidden field carries the
                # current version, so saving again (after checking) applies it knowingly.
                plan, version = stale.current, stale.current.version
                conflict = _conflict(form, stale.current, knowledge)
                form.add_error(None, stale.message)
            except Invalid as error:
                form.add_plan_errors(error)
            else:
                messages.success(request, "Plan changed; the reason is recorded.")
                return redirect(_plan_url("plans:edit", plan))
    else:
        form = PlanEditForm(
            initial={"path": request.GET.get("path", "")}, plan=plan.current, knowledge=knowledge
        )
    context = _plan_context(plan)
    context["form"] = form
    context["conflict"] = conflict
    context["version"] = plan.version if version is None else version
    return render(
        request,
        "plans/plan_edit.html",
        context,
        status=409 if conflict else 422 if form.is_bound and form.errors else 200,
    )


def _conflict(form: PlanEditForm, current: StoredPlan, knowledge: Knowledge) -> dict[str, str]:
    """The value edited: its label, the value stored now (theirs) and the one typed (yours)."""
    path = form.cleaned_data["path"]
    try:
        theirs = show_value(current_value(current.current, path))
    except EditError:
        theirs = "(no longer in the plan)"
    return {
        "label": path_label(current.current, path, knowledge),
        "theirs": theirs,
        "yours": form.cleaned_data["value"],
    }


@login_required
@require_POST
def plan_sign(
    request: HttpRequest, patient_id: int, consultation_id: int, plan_id: int
) -> HttpResponse:
    """A prescriber signs the plan after ticking that they reviewed it; back to the plan."""
    if request.POST.get("reviewed") != "yes":
        # Nothing is written, so nothing reads the plan: the service's accessor checks access.
        plan = selectors.plan_get_for_user(
            staff(request),
            plan_id,
            consultation_id=consultation_id,
            patient_id=patient_id,
            capability=Capability.EDIT_CLINICAL,
            audit_action=None,
        )
        messages.error(request, "Reviewed: tick the box to confirm you reviewed the plan.")
        return redirect(_plan_url("plans:detail", plan))
    try:
        plan = services.plan_sign(
            actor=staff(request),
            plan_id=plan_id,
            consultation_id=consultation_id,
            patient_id=patient_id,
        )
    except Invalid as error:
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
        plan = selectors.plan_get_for_user(
            staff(request),
            plan_id,
            consultation_id=consultation_id,
            patient_id=patient_id,
            audit_action=None,
        )
    else:
        messages.success(request, "Plan signed; your registration number is recorded.")
    return redirect(_plan_url("plans:detail", plan))


@login_required
@require_GET
def plan_print(
    request: HttpRequest, patient_id: int, consultation_id: int, plan_id: int
) -> HttpResponse:
    plan = selectors.plan_get_for_user(
        staff(request),
        plan_id,
        consultation_id=consultation_id,
        patient_id=patient_id,
        audit_action=Action.PRINT,
    )
    return render(request, "plans/plan_print.html", _plan_context(plan))


def _plan_context(plan: StoredPlan) -> dict[str, object]:
    knowledge = planning_adapter.knowledge()
    edits = list(selectors.edits_of(plan))
    rows = [
        {
            "edit": edit,
            "label": path_label(plan.current, edit.path, knowledge),
            "old": show_value(edit.old_value),
            "new": show_value(edit.new_value),
        }
        for edit in edits
    ]
    consultation = plan.consultation
    return {
        "plan": plan,
        "consultation": consultation,
        "patient": consultation.patient,
        "view": plan_display(plan.current, knowledge, edited_paths=[edit.path for edit in edits]),
        "edits": rows,
        "prescription_only": [
            _substance_name(code, knowledge)
            for code in prescription_only_substances(plan.current, knowledge)
        ],
        "clinic_zone": planning_adapter.clinic_zone(consultation.site),
    }


def _substance_name(code: str, knowledge: Knowledge) -> str:
    known = knowledge.substances.get(code)
    return known.name if known is not None else code


def _plan_url(name: str, plan: StoredPlan) -> str:
    return reverse(
        name,
        kwargs={
            "patient_id": plan.consultation.patient_id,
            "consultation_id": plan.consultation_id,
            "plan_id": plan.pk,
        },
    )
