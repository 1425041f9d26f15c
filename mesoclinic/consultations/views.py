"""Consultation pages: list, create, read, edit, complete. Thin: parse, call one, render.

Access and audit happen in ``consultations.selectors`` (reads) and ``consultations.services``
(writes); a refusal there is a ``NotFound`` or ``Forbidden`` that the middleware turns into a
404 or 403 page. Plan pages are in ``views_plans``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.accounts.access import Capability
from mesoclinic.audit.models import Action
from mesoclinic.consultations import planning_adapter, selectors, services
from mesoclinic.consultations.errors import StaleConsultation
from mesoclinic.consultations.forms import ConsultationForm
from mesoclinic.consultations.map_display import marked_zones, zone_map
from mesoclinic.consultations.models import Consultation
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import add_invalid
from mesoclinic.core.http import staff
from mesoclinic.core.versions import posted_version
from mesoclinic.enquiries.prefill import Prefill, enquiry_prefill
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.plans import selectors as plan_selectors
from mesoclinic.plans.display import code_label, concern_names, zone_names
from mesoclinic.plans.forms import PlanGenerateForm


@login_required
@require_GET
def consultation_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient, consultations = selectors.consultation_list(staff(request), patient_id)
    return render(
        request,
        "consultations/list.html",
        {"patient": patient, "consultations": consultations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = staff(request)
    patient = patient_get_for_user(
        user,
        patient_id,
        capability=Capability.EDIT_CLINICAL,
        # The POST's service records CREATE; a GET shows the patient, a read.
        audit_action=Action.VIEW if request.method == "GET" else None,
        object_type="consultation",
    )
    knowledge = planning_adapter.knowledge()
    zone = planning_adapter.clinic_zone(patient.site)
    if request.method == "POST":
        form = ConsultationForm(request.POST, knowledge=knowledge, zone=zone)
        if form.is_valid():
            try:
                consultation = services.consultation_create(
                    actor=user,
                    patient_id=patient.pk,
                    held_at=form.cleaned_data["held_at"],
                    history=form.history(),
                )
            except Invalid as error:
                add_invalid(form, error)
            else:
                messages.success(request, "Consultation saved as a draft.")
                return _to_detail(consultation)
    else:
        # A consultation is usually recorded as it happens: start from now, to the minute.
        now = timezone.now().replace(second=0, microsecond=0)
        initial = {"held_at": now}
        # The answers of the enquiry the patient came from, offered, copied only when asked.
        prefill = enquiry_prefill(user, patient)
        prefilled = prefill is not None and request.GET.get("from_enquiry") == str(
            prefill.enquiry_id
        )
        if prefill is not None and prefilled:
            initial.update(prefill.initial)
        form = ConsultationForm(initial=initial, knowledge=knowledge, zone=zone)
        return _render_form(
            request,
            form,
            patient=patient,
            consultation=None,
            prefill=prefill,
            prefilled=prefilled,
        )
    return _render_form(request, form, patient=patient, consultation=None)


@login_required
@require_GET
def consultation_detail(
    request: HttpRequest, patient_id: int, consultation_id: int
) -> HttpResponse:
    consultation = selectors.consultation_get_for_user(
        staff(request),
        consultation_id,
        patient_id=patient_id,
    )
    return render_detail(request, consultation, PlanGenerateForm())


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, patient_id: int, consultation_id: int) -> HttpResponse:
    consultation = selectors.consultation_get_for_user(
        staff(request),
        consultation_id,
        patient_id=patient_id,
        capability=Capability.EDIT_CLINICAL,
        audit_action=Action.VIEW if request.method == "GET" else None,
    )
    if not consultation.is_draft:
        messages.error(request, "This consultation is completed: it can no longer be edited.")
        return _to_detail(consultation)
    knowledge = planning_adapter.knowledge()
    zone = planning_adapter.clinic_zone(consultation.site)
    conflicts: list[dict[str, str]] = []
    # The version the page was filled from: an invalid POST keeps the one sent, so a change by
    # someone else meanwhile is still caught when the user corrects and saves again.
    version = posted_version(request) if request.method == "POST" else None
    if request.method == "POST":
        form = ConsultationForm(request.POST, knowledge=knowledge, zone=zone)
        if form.is_valid():
            try:
                services.consultation_update(
                    actor=staff(request),
                    consultation_id=consultation.pk,
                    patient_id=patient_id,
                    held_at=form.cleaned_data["held_at"],
                    history=form.history(),
                    expected_version=posted_version(request),
                )
            except StaleConsultation as stale:
                # Their values beside the user's; the hidden field now carries the current
                # version, so saving again (after checking) replaces theirs knowingly.
                consultation, version = stale.current, stale.current.version
                conflicts = _conflicts(form, stale.current)
                form.add_error(None, stale.message)
            except Invalid as error:
                add_invalid(form, error)
            else:
                messages.success(request, "Consultation updated.")
                return _to_detail(consultation)
    else:
        initial = ConsultationForm.initial_for(consultation)
        form = ConsultationForm(initial=initial, knowledge=knowledge, zone=zone)
    return _render_form(
        request,
        form,
        patient=consultation.patient,
        consultation=consultation,
        conflicts=conflicts,
        version=consultation.version if version is None else version,
    )


def _conflicts(form: ConsultationForm, current: Consultation) -> list[dict[str, str]]:
    """Each field where the stored consultation (theirs) differs from what the user sent."""
    theirs = ConsultationForm(
        initial=ConsultationForm.initial_for(current), knowledge=form.knowledge, zone=form.zone
    )
    rows = []
    for name, field in form.fields.items():
        stored = _shown(theirs[name], theirs[name].value())
        typed = _shown(form[name], form.cleaned_data.get(name))
        if stored != typed:
            rows.append({"label": str(field.label), "theirs": stored, "yours": typed})
    return rows


def _shown(bound: BoundField, value: object) -> str:
    """A form value as the page shows it: choice labels, lists joined, dates in the zone."""
    field = bound.field
    values = list(value) if isinstance(value, list | tuple) else [value]
    if isinstance(field, forms.ChoiceField):
        choices: list[tuple[object, object]] = list(getattr(field, "choices", []))
        labels = {str(code): str(label) for code, label in choices}
        return ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    if value is None or value == "":
        return ""
    prepared = field.prepare_value(value)
    if isinstance(prepared, bool):
        return "yes" if prepared else "no"
    return str(prepared).strip()


@login_required
@require_POST
def consultation_complete(
    request: HttpRequest, patient_id: int, consultation_id: int
) -> HttpResponse:
    consultation = selectors.consultation_get_for_user(
        staff(request),
        consultation_id,
        patient_id=patient_id,
        capability=Capability.EDIT_CLINICAL,
        audit_action=None,
    )
    try:
        services.consultation_complete(
            actor=staff(request), consultation_id=consultation.pk, patient_id=patient_id
        )
    except Invalid as error:
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, "Consultation completed: it and its plans are now locked.")
    return _to_detail(consultation)


def render_detail(
    request: HttpRequest,
    consultation: Consultation,
    generate_form: PlanGenerateForm,
    status: int = 200,
) -> HttpResponse:
    """The detail page; the plan-generation view re-renders it with its form's errors."""
    knowledge = planning_adapter.knowledge()
    concern_rows = [
        (
            entry["concern"],
            concern_names([entry["concern"]], knowledge),
            zone_names(entry["zones"], knowledge),
        )
        for entry in consultation.concerns
    ]
    return render(
        request,
        "consultations/detail.html",
        {
            "concern_rows": concern_rows,
            "patient": consultation.patient,
            "consultation": consultation,
            "map": zone_map(
                knowledge, mode="view", marked=marked_zones(consultation.concerns), labels={}
            ),
            "history": _history_rows(consultation),
            "plans": plan_selectors.plans_of(consultation),
            "latest": plan_selectors.latest_plan_of(consultation),
            "generate_form": generate_form,
            "clinic_zone": planning_adapter.clinic_zone(consultation.site),
            "default_start": planning_adapter.default_start_date(consultation),
        },
        status=status,
    )


def _render_form(
    request: HttpRequest,
    form: ConsultationForm,
    *,
    patient: object,
    consultation: object,
    conflicts: list[dict[str, str]] | None = None,
    version: int | None = None,
    prefill: Prefill | None = None,
    prefilled: bool = False,
) -> HttpResponse:
    marked: dict[str, list[str]] = {}
    for bound in form.concern_fields():
        concern = bound.name.removeprefix("concern_")
        for zone in bound.value() or []:
            marked.setdefault(str(zone), []).append(concern)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "patient": patient,
            "consultation": consultation,
            "map": zone_map(form.knowledge, mode="edit", marked=marked),
            "conflicts": conflicts or [],
            "version": version,
            "prefill": prefill,
            "prefilled": prefilled,
        },
        status=409 if conflicts else 422 if form.is_bound and form.errors else 200,
    )


def _history_rows(consultation: Consultation) -> list[tuple[str, str]]:
    def listed(codes: list[str]) -> str:
        return ", ".join(code_label(code) for code in codes) or "none recorded"

    potential = {None: "not stated", True: "yes", False: "no"}[consultation.childbearing_potential]
    weight = "not recorded" if consultation.weight_kg is None else f"{consultation.weight_kg} kg"
    return [
        ("Conditions", listed(consultation.conditions)),
        ("Medications", listed(consultation.medications)),
        ("Allergies", listed(consultation.allergies)),
        ("Active skin infection in", listed(consultation.infection_zones)),
        ("Pregnant", "yes" if consultation.pregnant else "no"),
        ("Breastfeeding", "yes" if consultation.breastfeeding else "no"),
        ("Childbearing potential", potential),
        ("Weight", weight),
        ("Fear of needles", consultation.get_needle_fear_display()),
        ("Fitzpatrick skin type", consultation.get_fitzpatrick_type_display()),
    ]


def _to_detail(consultation: Consultation) -> HttpResponseRedirect:
    return redirect(
        reverse(
            "consultations:detail",
            kwargs={"patient_id": consultation.patient_id, "consultation_id": consultation.pk},
        )
    )
