"""The reception inbox: the enquiries of the user's sites, one enquiry, and its actions. Thin.

Access and audit are in ``enquiries.selectors`` and ``enquiries.services``; a refusal there is
a ``NotFound`` or ``Forbidden`` that the middleware turns into a 404 or 403 page, an
``EnquiryMoved`` a 409 page.
"""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.core.forms import error_summary, form_attempt
from mesoclinic.core.http import staff
from mesoclinic.enquiries.convert import convert_view
from mesoclinic.enquiries.display import answers_rows
from mesoclinic.enquiries.forms import CloseForm, NoteForm
from mesoclinic.enquiries.models import Enquiry, PreferredTime, Status
from mesoclinic.enquiries.phone import phone_shown
from mesoclinic.enquiries.selectors import (
    PAGE_SIZE,
    enquiry_events,
    enquiry_get_for_user,
    enquiry_list,
    enquiry_same_person,
    enquiry_sites,
)
from mesoclinic.enquiries.services import enquiry_close, enquiry_mark_contacted
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.plans.display import concern_names
from mesoclinic.public.answers import AnswersInvalid, answers_from_dict

MAX_PAGE = 100_000

__all__ = ["close_view", "contacted_view", "convert_view", "detail_view", "inbox_view"]


def _int_param(raw: str | None, *, default: int | None) -> int | None:
    text = (raw or "").strip()
    return min(int(text), MAX_PAGE) if text.isascii() and text.isdigit() else default


@login_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    """One status of the inbox (new by default), newest first, 25 a page. Audited (LIST)."""
    user = staff(request)
    status = request.GET.get("status", Status.NEW)
    if status not in Status.values:
        status = Status.NEW
    site_id = _int_param(request.GET.get("site"), default=None)
    page = max(_int_param(request.GET.get("page"), default=1) or 1, 1)
    window = enquiry_list(
        user, status=status, site_id=site_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    pages = max(ceil(window.count / PAGE_SIZE), 1)

    def link(**changes: object) -> str:
        params = {"status": status, "site": site_id or "", "page": 1, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    sites = enquiry_sites(user)
    return render(
        request,
        "enquiries/inbox.html",
        {
            "window": window,
            "rows": [_row(enquiry) for enquiry in window.enquiries],
            "tabs": [
                {"label": label, "value": value, "link": link(status=value)}
                for value, label in Status.choices
            ],
            # The filter and the site column only for staff of several sites.
            "sites": sites if len(sites) > 1 else [],
            "status": status,
            "site_id": site_id,
            "page": page,
            "pages": pages,
            "previous_link": link(page=page - 1) if page > 1 else "",
            "next_link": link(page=page + 1) if page < pages else "",
        },
    )


def _row(enquiry: Enquiry) -> dict[str, object]:
    return {
        "enquiry": enquiry,
        "phone": phone_shown(enquiry.phone) if enquiry.phone else "",
        # What the person asked about, so reception sees it before opening the enquiry.
        "asked_about": _asked_about(enquiry),
    }


def _asked_about(enquiry: Enquiry) -> str:
    if enquiry.answers is None:
        return ""
    try:
        answers = answers_from_dict(enquiry.answers)
    except AnswersInvalid:
        return ""
    return concern_names(answers.concerns, default_knowledge())


@login_required
@require_GET
def detail_view(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    """One enquiry: contact details, answers in words, history, actions. Audited (VIEW)."""
    enquiry = enquiry_get_for_user(staff(request), enquiry_id)
    return _render_detail(request, enquiry)


def _render_detail(
    request: HttpRequest,
    enquiry: Enquiry,
    *,
    note_form: NoteForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        answers = answers_from_dict(enquiry.answers) if enquiry.answers is not None else None
    except AnswersInvalid:
        answers = None
    initial = {"status": enquiry.status}
    times = dict(PreferredTime.choices)
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": enquiry,
            "phone": phone_shown(enquiry.phone) if enquiry.phone else "",
            "times": [times.get(code, code) for code in enquiry.preferred_times],
            "answers_rows": answers_rows(answers) if answers else [],
            "events": enquiry_events(enquiry),
            "same_person": enquiry_same_person(enquiry),
            "note_form": note_form or NoteForm(initial=initial, auto_id="note_%s"),
            "close_form": close_form or CloseForm(initial=initial, auto_id="close_%s"),
            "summary": error_summary(note_form) + error_summary(close_form),
        },
        status=status,
    )


@login_required
@require_POST
def contacted_view(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    user = staff(request)
    enquiry = enquiry_get_for_user(user, enquiry_id, audit_action=None)
    form = NoteForm(request.POST, auto_id="note_%s")
    status = 422
    if form.is_valid():
        done, status = form_attempt(
            form,
            lambda: enquiry_mark_contacted(
                actor=user,
                enquiry=enquiry,
                note=form.cleaned_data["note"],
                expected_status=form.cleaned_data["status"],
            ),
        )
        if done is not None:
            messages.success(request, f"Marked enquiry {enquiry.pk} as contacted.")
            return redirect("enquiries:detail", enquiry_id=enquiry.pk)
    return _render_detail(request, _reread(user, enquiry), note_form=form, status=status)


@login_required
@require_POST
def close_view(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    user = staff(request)
    enquiry = enquiry_get_for_user(user, enquiry_id, audit_action=None)
    form = CloseForm(request.POST, auto_id="close_%s")
    status = 422
    if form.is_valid():
        done, status = form_attempt(
            form,
            lambda: enquiry_close(
                actor=user,
                enquiry=enquiry,
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["status"],
            ),
        )
        if done is not None:
            messages.success(request, f"Closed enquiry {enquiry.pk}.")
            return redirect("enquiries:inbox")
    return _render_detail(request, _reread(user, enquiry), close_form=form, status=status)


def _reread(user: User, enquiry: Enquiry) -> Enquiry:
    # The page shown again reads the enquiry as it is now (another receptionist may have
    # acted), and that read is audited like any other.
    return enquiry_get_for_user(user, enquiry.pk, audit_action=Action.VIEW)
