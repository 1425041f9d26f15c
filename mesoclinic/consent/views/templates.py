"""Consent template pages: every version of every treatment's consent, and publishing.

Templates are clinic-wide text, not patient data. Reading them needs ``VIEW_CLINICAL``;
publishing needs ``PUBLISH_CONSENT``, managers only (see ``consent_template_publish`` for why).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mesoclinic.accounts.access import Capability, require
from mesoclinic.consent.forms import PublishTemplateForm
from mesoclinic.consent.models import Treatment
from mesoclinic.consent.selectors import (
    consent_template_current,
    consent_template_get_for_user,
    consent_templates_for_user,
)
from mesoclinic.consent.services import consent_template_publish
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import FORM_ANCHOR, add_invalid, error_summary
from mesoclinic.core.http import staff


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = consent_templates_for_user(staff(request))
    by_treatment = {
        treatment: list(versions)
        for treatment, versions in groupby(templates, key=lambda template: template.treatment)
    }
    sections = [
        (Treatment(code).label, code, by_treatment.get(code, [])) for code in Treatment.values
    ]
    return render(request, "consent/template_list.html", {"sections": sections})


@login_required
@require_GET
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = consent_template_get_for_user(staff(request), template_id)
    return render(request, "consent/template_detail.html", {"template": template})


@login_required
@require_http_methods(["GET", "POST"])
def template_publish(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if request.method == "POST":
        form = PublishTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = consent_template_publish(
                    actor=user,
                    treatment=form.cleaned_data["treatment"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except Invalid as invalid:
                add_invalid(form, invalid)
            else:
                messages.success(request, f"Published {template}: patients now sign this version.")
                return redirect("consent_templates:detail", template_id=template.pk)
    else:
        # Publishing is refused without the capability; the empty form is refused the same way.
        require(user, Capability.PUBLISH_CONSENT, what="consent_template")
        treatment = request.GET.get("treatment", "")
        base = consent_template_current(treatment) if treatment in Treatment.values else None
        form = PublishTemplateForm(
            initial={
                "treatment": treatment if treatment in Treatment.values else "",
                "title": base.title if base else "",
                "body": base.body if base else "",
            }
        )
    return render(
        request,
        "consent/template_publish.html",
        {"form": form, "errors": error_summary(form, FORM_ANCHOR)},
    )
