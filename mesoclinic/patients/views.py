"""Patient pages: list and search, register, view, edit, archive, restore. Thin.

Each view parses the request, calls one selector or service (``patients.selectors``,
``patients.services``) and renders; ``NotFound``/``Forbidden`` become 404/403 pages in
``core.middleware``. Pages with patient data are never cached by the browser.
"""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.accounts.access import Capability, can
from mesoclinic.core.errors import Invalid
from mesoclinic.core.http import staff
from mesoclinic.core.time import age_on, today_in
from mesoclinic.core.versions import posted_version
from mesoclinic.patients.errors import PatientArchived, PossibleDuplicate, StaleRecord
from mesoclinic.patients.forms import PatientCreateForm, PatientForm
from mesoclinic.patients.models import Patient
from mesoclinic.patients.record_summary import record_summary_for_user
from mesoclinic.patients.selectors import (
    PAGE_SIZE,
    patient_get_for_user,
    patient_list,
    sites_of,
)
from mesoclinic.patients.services import (
    RESTORE_CAPABILITY,
    patient_archive,
    patient_create,
    patient_unarchive,
    patient_update,
)

MAX_PAGE = 100_000


def _page_number(raw: str | None) -> int:
    """The page asked for, 1 if unreadable; capped so that the offset stays a database integer."""
    text = (raw or "").strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isascii() and text.isdigit() else 1


@login_required
@never_cache
@require_GET
def patient_list_view(request: HttpRequest) -> HttpResponse:
    """The patients of the user's sites, 25 a page, with the search box. Audited per view."""
    query = request.GET.get("q", "")
    include_archived = request.GET.get("archived", "") in {"1", "on", "true"}
    page = _page_number(request.GET.get("page"))
    window = patient_list(
        staff(request),
        query=query,
        include_archived=include_archived,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        audit_detail={"page": page},
    )
    pages = max(ceil(window.count / PAGE_SIZE), 1)
    # Past a search's count cap the last page is unknown: a full page means there may be more.
    has_next = page < pages or (not window.count_is_exact and len(window.patients) == PAGE_SIZE)

    def link(number: int) -> str:
        params = {"q": window.terms.query, "archived": "1" if include_archived else ""}
        kept = {key: value for key, value in params.items() if value}
        return "?" + urlencode({**kept, "page": number})

    return render(
        request,
        "patients/list.html",
        {
            "window": window,
            "page": page,
            "pages": pages,
            "first_shown": window.offset + 1,
            "last_shown": window.offset + len(window.patients),
            "previous_link": link(min(page - 1, pages)) if page > 1 else "",
            "next_link": link(page + 1) if has_next else "",
            "last_link": link(pages) if page > pages and window.count_is_exact else "",
            "first_link": link(1),
            "include_archived": include_archived,
            # Reversed once, not once per row: 25 reversals were a tenth of the page's time.
            "patients_url": reverse("patients:list"),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def patient_create_view(request: HttpRequest) -> HttpResponse:
    """Register a patient; warns of possible duplicates until "register anyway" is ticked."""
    user = staff(request)
    sites = sites_of(user)
    candidates: list[Patient] = []
    if request.method == "POST":
        form = PatientCreateForm(request.POST, sites=sites)
        if form.is_valid():
            try:
                patient = patient_create(
                    actor=user,
                    site_id=form.site_id(),
                    details=form.details(),
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                )
            except PossibleDuplicate as duplicate:
                candidates = duplicate.candidates
            except Invalid as invalid:
                _add_errors(form, invalid)
            else:
                messages.success(request, f"Registered {patient}.")
                return redirect("patients:detail", patient_id=patient.pk)
    else:
        form = PatientCreateForm(sites=sites)
    return render(
        request,
        "patients/form.html",
        {"form": form, "candidates": candidates, "patient": None, "creating": True},
    )


@login_required
@never_cache
@require_GET
def patient_detail_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Demographics; links to the clinical record for roles that may see it. Audited (VIEW)."""
    user = staff(request)
    patient = patient_get_for_user(user, patient_id)
    zone = patient.site.zone
    age = age_on(patient.date_of_birth, today_in(zone))
    archived_at = patient.archived_at
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "age": age,
            "registered_on": f"{timezone.localtime(patient.created_at, zone):%d/%m/%Y %H:%M}",
            "archived_on": f"{timezone.localtime(archived_at, zone):%d/%m/%Y %H:%M}"
            if archived_at
            else "",
            "can_restore": can(user, RESTORE_CAPABILITY),
            "record": record_summary_for_user(user, patient, zone=zone),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def patient_edit_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Edit the patient's details. GET is audited as VIEW, a saved POST as UPDATE.

    An archived patient's record is read-only: GET sends the user back to the patient page,
    POST is refused (and audited) by the service.
    """
    user = staff(request)
    conflicts: list[dict[str, str]] = []
    if request.method == "POST":
        patient = patient_get_for_user(
            user, patient_id, capability=Capability.EDIT_PATIENT, audit_action=None
        )
        form = PatientForm(request.POST)
        if form.is_valid():
            try:
                patient_update(
                    actor=user,
                    patient_id=patient.pk,
                    details=form.details(),
                    expected_version=posted_version(request),
                )
            except StaleRecord as stale:
                # Their values beside the user's; the hidden field now carries the current
                # version, so saving again (after checking) replaces theirs knowingly.
                conflicts = _conflicts(form, stale.current)
                form.add_error(None, stale.message)
            except PatientArchived as archived:
                messages.error(request, archived.message)
                return redirect("patients:detail", patient_id=patient.pk)
            except Invalid as invalid:
                _add_errors(form, invalid)
            else:
                messages.success(request, f"Saved the changes to {patient}.")
                return redirect("patients:detail", patient_id=patient.pk)
    else:
        patient = patient_get_for_user(user, patient_id, capability=Capability.EDIT_PATIENT)
        if patient.is_archived:
            messages.info(request, f"{patient} is archived: the record is read-only.")
            return redirect("patients:detail", patient_id=patient.pk)
        form = PatientForm.for_patient(patient)
    return render(
        request,
        "patients/form.html",
        {
            "form": form,
            "candidates": [],
            "patient": patient,
            "creating": False,
            "conflicts": conflicts,
        },
        status=409 if conflicts else 200,
    )


def _conflicts(form: PatientForm, current: Patient) -> list[dict[str, str]]:
    """Each field where the stored record (theirs) differs from what the user sent (yours)."""
    theirs = PatientForm.for_patient(current).initial
    return [
        {"label": str(form.fields[name].label), "theirs": str(theirs[name]), "yours": str(value)}
        for name, value in form.data.items()
        if name in theirs and str(theirs[name]).strip() != str(value).strip()
    ]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def patient_archive_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """GET asks for confirmation (audited VIEW); POST archives (audited ARCHIVE)."""
    user = staff(request)
    if request.method == "POST":
        patient = patient_get_for_user(
            user, patient_id, capability=Capability.EDIT_PATIENT, audit_action=None
        )
        if patient.is_archived:
            messages.info(request, f"{patient} is already archived.")
        else:
            patient_archive(actor=user, patient_id=patient.pk)
            messages.success(request, f"Archived {patient}. The record is now read-only.")
        return redirect("patients:detail", patient_id=patient.pk)
    patient = patient_get_for_user(user, patient_id, capability=Capability.EDIT_PATIENT)
    if patient.is_archived:
        messages.info(request, f"{patient} is already archived.")
        return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/archive.html", {"patient": patient})


@login_required
@never_cache
@require_POST
def patient_unarchive_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Restore an archived patient (managers). Audited as UPDATE of ``archived_at``."""
    user = staff(request)
    patient = patient_get_for_user(user, patient_id, audit_action=None)
    was_archived = patient.is_archived
    patient_unarchive(actor=user, patient_id=patient.pk)
    if was_archived:
        messages.success(request, f"Restored {patient}. The record can be changed again.")
    return redirect("patients:detail", patient_id=patient.pk)


def _add_errors(form: PatientForm, invalid: Invalid) -> None:
    for field, errors in invalid.errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
