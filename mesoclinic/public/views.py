"""The clinic's public pages: home, the self-assessment and its answer, information pages.

No sign-in, nothing stored. The self-assessment is POST-redirect-GET: a valid form becomes a
signed token in the answer page's address (``answers.answers_sign``), so a reload or the back
button never re-posts and no server-side record of what was typed exists. The answer page's
address holds health answers, so it is never cached.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from mesoclinic.public.answers import AnswersInvalid, answers_load, answers_sign
from mesoclinic.public.content import InfoPageMissing
from mesoclinic.public.forms import SAFETY_FIELDS, StartForm, initial_from, zone_groups
from mesoclinic.public.selectors import (
    answer_for,
    info_page_citations,
    info_page_get,
    info_page_list,
)
from mesoclinic.public.words import public_words
from mesoclinic.public.zone_map import region_drawings


def _enquiry_url() -> str:
    """The enquiry form, which reads the same answers' token (``enquiries``)."""
    return reverse("enquiry:form")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/home.html",
        {"pages": info_page_list(), "enquiry_url": _enquiry_url()},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """GET shows the form (filled from ``?answers=`` to change them); POST validates and
    redirects to the answer, or shows the form again with every value kept (422)."""
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            token = answers_sign(form.answers())
            return redirect(reverse("public:answer") + "?" + urlencode({"answers": token}))
        status = 422
    else:
        initial = {}
        token = request.GET.get("answers", "")
        if token:
            try:
                initial = initial_from(answers_load(token))
            except AnswersInvalid:
                initial = {}
        form = StartForm(initial=initial)
        status = 200
    return render(request, "public/start.html", _start_context(form), status=status)


def _start_context(form: StartForm) -> dict[str, object]:
    chosen = set(form["zones"].value() or ())
    drawings = region_drawings()
    groups = [
        (
            name,
            drawings[region],
            [
                (number, code, label, code in chosen)
                for number, (code, label) in enumerate(zones, start=1)
            ],
        )
        for region, name, zones in zone_groups()
    ]
    return {
        "form": form,
        "zone_groups": groups,
        "safety_fields": [
            (form[name].auto_id, name, form[name].label, bool(form[name].value()))
            for name in SAFETY_FIELDS
        ],
        "choices": {name: _options(form, name) for name in CHOICE_FIELDS},
    }


# The form's groups of checkboxes and radio buttons, written out by the page itself
# (public/_choices.html): through Django's widget templates they were most of the page's time.
CHOICE_FIELDS = ("concerns", "claims", "allergies", "acne_tablet", "needle_fear")


def _options(form: StartForm, name: str) -> dict[str, object]:
    """What ``public/_choices.html`` needs for one field: its bound field, the input type,
    and (id, value, label, checked) for each choice, ids as Django's widgets give them."""
    bound = form[name]
    value = bound.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    field = form.fields[name]
    # CheckboxSelectMultiple is a RadioSelect subclass: ask for the checkboxes.
    kind = "checkbox" if isinstance(field.widget, forms.CheckboxSelectMultiple) else "radio"
    return {
        "field": bound,
        "type": kind,
        "options": [
            (f"{bound.auto_id}_{i}", code, label, str(code) in chosen)
            for i, (code, label) in enumerate(field.choices)  # type: ignore[attr-defined]
        ],
    }


@never_cache
@require_safe
def answer(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("answers", "")
    try:
        answers = answers_load(token)
    except AnswersInvalid:
        return render(request, "public/answer_invalid.html", status=400)
    result = answer_for(answers)
    words = public_words()
    return render(
        request,
        "public/answer.html",
        {
            "answer": result,
            "words": words,
            "planned": [
                (
                    course,
                    [words.concern(c) for c in course.concerns],
                    [words.zone(z) for z in course.zones],
                )
                for course in result.planned
            ],
            "token": token,
            "enquiry_url": _enquiry_url() + "?" + urlencode({"answers": token}),
            "change_url": reverse("public:start") + "?" + urlencode({"answers": token}),
        },
    )


@require_safe
def info_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/info_list.html", {"pages": info_page_list()})


@require_safe
def info_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = info_page_get(slug)
    except InfoPageMissing as missing:
        raise Http404("No such information page") from missing
    return render(
        request,
        "public/info_page.html",
        {
            "page": page,
            "pages": info_page_list(),
            "citations": info_page_citations(page),
            "enquiry_url": _enquiry_url(),
        },
    )
