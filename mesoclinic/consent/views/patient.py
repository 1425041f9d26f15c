"""Consent pages: a patient's consents, signing, the signature image, photo consent.

Thin: each view parses, calls one selector or service, and renders; errors from the services
are attached to the form fields they name and the form is shown again with what was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.consent.forms import PhotoConsentForm, SignConsentForm
from mesoclinic.consent.selectors import (
    consent_overview_for_user,
    consent_record_get_for_user,
    consent_sign_form_for_user,
    consent_signature_for_user,
    photo_consent_form_for_user,
)
from mesoclinic.consent.services import (
    consent_record_sign,
    photo_consent_record,
    photo_consent_withdraw,
)
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import FORM_ANCHOR, add_invalid, error_summary
from mesoclinic.core.http import staff
from mesoclinic.patients.errors import PatientArchived

if TYPE_CHECKING:
    from mesoclinic.consent.models import ConsentTemplate

# Hidden inputs have no box to jump to: the summary links to what the user sees instead.
SIGN_ANCHORS = {"template_id": "consent-text", "signature": "signature-pad"}


def templates_url() -> str | None:
    """The consent templates page, if the project routes it (see ``consent.template_urls``)."""
    try:
        return reverse("consent_templates:list")
    except NoReverseMatch:
        return None


@login_required
@require_GET
def overview(request: HttpRequest, patient_id: int) -> HttpResponse:
    data = consent_overview_for_user(staff(request), patient_id)
    return render(
        request,
        "consent/overview.html",
        {"overview": data, "patient": data.patient, "templates_url": templates_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, patient_id: int, treatment: str) -> HttpResponse:
    user = staff(request)
    if request.method == "POST":
        form = SignConsentForm(request.POST)
        if form.is_valid():
            try:
                record = consent_record_sign(
                    actor=user,
                    patient_id=patient_id,
                    template_id=form.cleaned_data["template_id"],
                    signed_name=form.cleaned_data["signed_name"],
                    method=form.cleaned_data["method"],
                    signature=form.cleaned_data["signature"],
                    confirmed=form.cleaned_data["confirmed"],
                    name_checked=form.cleaned_data["name_checked"],
                )
            except Invalid as invalid:
                add_invalid(form, invalid)
            except PatientArchived as archived:
                messages.error(request, archived.message)
                return redirect("consent:list", patient_id=patient_id)
            else:
                messages.success(request, f"Consent signed by {record.signed_name} recorded.")
                return redirect("consent:detail", patient_id=patient_id, record_id=record.pk)
        context = consent_sign_form_for_user(user, patient_id, treatment)
        form = _for_current_version(form, context.template)
    else:
        context = consent_sign_form_for_user(user, patient_id, treatment)
        form = SignConsentForm(
            initial={"template_id": context.template.pk if context.template else None}
        )
    return render(
        request,
        "consent/sign.html",
        {
            "form": form,
            "errors": error_summary(form, {**FORM_ANCHOR, **SIGN_ANCHORS}),
            "patient": context.patient,
            "treatment": context.treatment,
            "template": context.template,
            "templates_url": templates_url(),
        },
    )


def _for_current_version(
    form: SignConsentForm, template: ConsentTemplate | None
) -> SignConsentForm:
    """The form again, against the version now current if another was shown.

    The patient's confirmation and drawn signature were given for the text they saw, so they
    are cleared when that text has been replaced; the typed name and the errors are kept.
    """
    shown = form.cleaned_data.get("template_id") if hasattr(form, "cleaned_data") else None
    current = template.pk if template is not None else None
    if shown == current:
        return form
    data = dict(form.data.items())
    data["template_id"] = "" if current is None else str(current)
    data["signature"] = ""
    data.pop("confirmed", None)
    fresh = SignConsentForm(data)
    fresh.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            fresh.add_error(field if field in fresh.fields else None, error)
    return fresh


@login_required
@require_GET
def detail(request: HttpRequest, patient_id: int, record_id: int) -> HttpResponse:
    record = consent_record_get_for_user(staff(request), record_id, patient_id=patient_id)
    return render(request, "consent/detail.html", {"record": record, "patient": record.patient})


@login_required
@require_GET
def signature(request: HttpRequest, patient_id: int, record_id: int) -> FileResponse:
    """The drawn signature image, after the same access check as the record (audited)."""
    record = consent_signature_for_user(staff(request), record_id, patient_id=patient_id)
    response = FileResponse(record.signature.open("rb"), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="consent-{record.pk}-signature.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def photo_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = staff(request)
    if request.method == "POST":
        form = PhotoConsentForm(request.POST)
        if form.is_valid():
            try:
                photo_consent_record(
                    actor=user,
                    patient_id=patient_id,
                    clinical_record=form.cleaned_data["clinical_record"],
                    teaching=form.cleaned_data["teaching"],
                    marketing=form.cleaned_data["marketing"],
                )
            except Invalid as invalid:
                add_invalid(form, invalid)
            except PatientArchived as archived:
                messages.error(request, archived.message)
                return redirect("consent:list", patient_id=patient_id)
            else:
                messages.success(request, "Photo consent recorded.")
                return redirect("consent:list", patient_id=patient_id)
        context = photo_consent_form_for_user(user, patient_id)
    else:
        context = photo_consent_form_for_user(user, patient_id)
        current = context.current
        form = PhotoConsentForm(
            initial={
                "clinical_record": current.clinical_record if current else False,
                "teaching": current.teaching if current else False,
                "marketing": current.marketing if current else False,
            }
        )
    return render(
        request,
        "consent/photo_consent.html",
        {
            "form": form,
            "errors": error_summary(form, FORM_ANCHOR),
            "patient": context.patient,
            "current": context.current,
        },
    )


@login_required
@require_POST
def photo_withdraw(request: HttpRequest, patient_id: int, photo_consent_id: int) -> HttpResponse:
    try:
        photo_consent_withdraw(
            actor=staff(request), photo_consent_id=photo_consent_id, patient_id=patient_id
        )
    except Invalid as invalid:
        for problems in invalid.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(
            request, "Photo consent withdrawn: no photos can be uploaded until a new one is given."
        )
    return redirect("consent:list", patient_id=patient_id)
