"""The diary's booking pages: book one appointment, book a plan's course, an appointment's page
(reschedule, status, cancel), moving by a tap on the day grid, and a patient's appointments.

Every page works as plain forms without a script. A refused booking (taken, outside hours)
comes back on the form with everything typed kept (409); bad values come back naming the field
(422).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.accounts.access import Capability, capabilities_of
from mesoclinic.accounts.models import Site, User
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import form_attempt
from mesoclinic.core.http import staff
from mesoclinic.core.params import optional_integer_param
from mesoclinic.patients.selectors import patient_get_for_user, patient_list
from mesoclinic.plans.selectors import plan_courses_to_book
from mesoclinic.scheduling.diary import appointments_of_patient, diary_sites
from mesoclinic.scheduling.forms import (
    LOCAL_INPUT,
    BookForm,
    CancelForm,
    CourseForm,
    RescheduleForm,
    local_start,
)
from mesoclinic.scheduling.models import Room
from mesoclinic.scheduling.selectors import (
    appointment_get_for_user,
    practitioners_at,
    service_list,
    site_get_for_user,
)
from mesoclinic.scheduling.services import (
    CANCELLABLE,
    MOVABLE,
    TRANSITIONS,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
    course_book,
)


def _choices(user: User, site: Site) -> dict[str, Any]:
    return {
        "services": [(s.code, s.name) for s in service_list(user)],
        "practitioners": [(p.pk, str(p)) for p in practitioners_at(site)],
    }


def _day_url(site_id: int, moment: dt.datetime, zone: Any) -> str:
    return reverse("scheduling:day", args=[site_id, moment.astimezone(zone).date()])


def _pick_site(user: User, request: HttpRequest) -> Site:
    raw = request.POST.get("site") or request.GET.get("site", "")
    site_id = optional_integer_param("site", raw)
    if site_id is not None:
        return site_get_for_user(user, site_id)
    sites = diary_sites(user)
    if not sites:
        raise Invalid({"site": ["site: you work at no site; ask a manager."]})
    return sites[0]


@login_required
@require_http_methods(["GET", "POST"])
def appointment_book_view(request: HttpRequest) -> HttpResponse:
    """Book one appointment. GET ``?site=&practitioner=&start=&room=&patient=`` pre-fills the
    form (a free time tapped on the grid); ``q`` searches for the patient."""
    user = staff(request)
    data_in = request.POST if request.method == "POST" else request.GET
    patient = _patient(user, data_in.get("patient", ""))
    # The patient's site decides where they are booked; the diary's site otherwise.
    site = patient.site if patient is not None else _pick_site(user, request)
    may_overbook = Capability.OVERBOOK in capabilities_of(user)
    kwargs: dict[str, Any] = {
        **_choices(user, site),
        "rooms": [(r.pk, r.name) for r in Room.objects.filter(site=site, active=True)],
        "may_overbook": may_overbook,
    }
    status = 200
    if request.method == "POST":
        form = BookForm(request.POST, **kwargs)
        start = local_start(form, "start", site.zone) if form.is_valid() else None
        if start is not None:
            data = form.cleaned_data
            appointment, status = form_attempt(
                form,
                lambda: appointment_book(
                    actor=user,
                    patient_id=data["patient"],
                    service_code=data["service"],
                    practitioner_id=data["practitioner"],
                    start=start,
                    room_id=data["room"],
                    notes=data["notes"],
                    overbook_reason=data.get("overbook_reason", ""),
                ),
            )
            if appointment is not None:
                messages.success(
                    request,
                    f"Booked {appointment.service} for {appointment.patient} with "
                    f"{appointment.practitioner}.",
                )
                return redirect(_day_url(site.pk, appointment.start, site.zone))
        status = 422 if status == 200 else status
    else:
        form = BookForm(initial=_initial(request), **kwargs)
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "site": site,
            "patient": patient,
            "matches": _matches(user, request),
            "query": request.GET.get("q", ""),
        },
        status=status,
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {
        key: request.GET[key]
        for key in ("practitioner", "room", "patient", "service")
        if request.GET.get(key, "").strip()
    }
    start = request.GET.get("start", "")
    with contextlib.suppress(ValueError):
        # The site's wall-clock time, shown as typed; local_start gives it its zone on POST.
        initial["start"] = dt.datetime.strptime(start, LOCAL_INPUT)  # noqa: DTZ007
    return initial


def _patient(user: User, raw: object) -> Any:
    """The chosen patient (a VIEW of their record, audited), or None."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return patient_get_for_user(user, int(text), capability=Capability.BOOK)


def _matches(user: User, request: HttpRequest) -> list[Any]:
    query = request.GET.get("q", "").strip()
    if not query:
        return []
    return patient_list(user, query=query, limit=10).patients


@login_required
@require_http_methods(["GET", "POST"])
def course_book_view(request: HttpRequest) -> HttpResponse:
    """Book a course whole. ``?plan=ID&course=K`` pre-fills sessions and interval from the
    plan's course K; nothing is booked unless every session finds its time."""
    user = staff(request)
    source = request.POST if request.method == "POST" else request.GET
    patient_id = optional_integer_param("patient", source.get("patient", ""))
    if patient_id is None:
        raise Invalid({"patient": ["patient: choose the patient first."]})
    patient = patient_get_for_user(user, patient_id, capability=Capability.BOOK)
    site = patient.site
    kwargs = _choices(user, site)
    courses = plan_courses_to_book(user, patient_id=patient.pk)
    status = 200
    if request.method == "POST":
        form = CourseForm(request.POST, **kwargs)
        first = local_start(form, "first_start", site.zone) if form.is_valid() else None
        if first is not None:
            data = form.cleaned_data
            course, status = form_attempt(
                form,
                lambda: course_book(
                    actor=user,
                    patient_id=patient.pk,
                    service_code=data["service"],
                    sessions=data["sessions"],
                    interval_days=data["interval_days"],
                    tolerance_days=data["tolerance_days"],
                    first_start=first,
                    practitioner_id=data["practitioner"],
                    plan_id=data["plan"],
                ),
            )
            if course is not None:
                messages.success(request, f"Booked all {data['sessions']} sessions of the course.")
                return redirect("scheduling:patient", patient_id=patient.pk)
        status = 422 if status == 200 else status
    else:
        initial: dict[str, Any] = {"patient": patient.pk, "tolerance_days": 3}
        chosen = optional_integer_param("course", request.GET.get("course", ""), low=0)
        plan_id = optional_integer_param("plan", request.GET.get("plan", ""))
        for offer in courses:
            if offer.plan_id == plan_id and (chosen is None or offer.index == chosen):
                initial.update(
                    plan=offer.plan_id,
                    sessions=offer.sessions,
                    interval_days=offer.interval_days,
                )
                break
        form = CourseForm(initial=initial, **kwargs)
    return render(
        request,
        "scheduling/course.html",
        {"form": form, "patient": patient, "site": site, "courses": courses},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The appointment, its status buttons, and the reschedule form (POST here)."""
    user = staff(request)
    appointment = appointment_get_for_user(user, appointment_id)
    zone = appointment.site.zone
    status = 200
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        start = local_start(form, "start", zone) if form.is_valid() else None
        if start is not None:
            moved, status = form_attempt(
                form,
                lambda: appointment_reschedule(
                    actor=user, appointment_id=appointment.pk, start=start
                ),
            )
            if moved is not None:
                messages.success(request, "Moved. The patient keeps the same practitioner.")
                return redirect(_day_url(moved.site_id, moved.start, zone))
        status = 422 if status == 200 else status
    else:
        form = RescheduleForm(initial={"start": appointment.start.astimezone(zone)})
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "form": form,
            "zone": zone,
            "next_statuses": sorted(TRANSITIONS.get(appointment.status, ())),
            "movable": appointment.status in MOVABLE,
            "cancellable": appointment.status in CANCELLABLE,
        },
        status=status,
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else fallback


@login_required
@require_POST
def appointment_status(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """One tap: arrived, completed, no show, confirmed; back to the page it was tapped on."""
    appointment = appointment_set_status(
        actor=staff(request), appointment_id=appointment_id, status=request.POST.get("status", "")
    )
    messages.success(request, f"{appointment.patient}: {appointment.get_status_display().lower()}.")
    return redirect(_back(request, reverse("scheduling:appointment", args=[appointment.pk])))


@login_required
@require_POST
def appointment_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A tap on "Move here" on the day grid: the same as the reschedule form, but a refusal is
    the 409 page (the grid has nothing typed to keep)."""
    user = staff(request)
    current = appointment_get_for_user(user, appointment_id, audit=False)
    zone = current.site.zone
    form = RescheduleForm(request.POST)
    start = local_start(form, "start", zone) if form.is_valid() else None
    if start is None:
        raise Invalid({"start": [str(m) for m in form.errors.get("start", ["start: missing."])]})
    appointment = appointment_reschedule(actor=user, appointment_id=current.pk, start=start)
    messages.success(
        request, f"Moved {appointment.patient} to {appointment.start.astimezone(zone):%H:%M}."
    )
    return redirect(_day_url(appointment.site_id, appointment.start, zone))


@login_required
@require_http_methods(["GET", "POST"])
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = staff(request)
    appointment = appointment_get_for_user(user, appointment_id)
    zone = appointment.site.zone
    status = 200
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            cancelled, status = form_attempt(
                form,
                lambda: appointment_cancel(
                    actor=user, appointment_id=appointment.pk, reason=reason
                ),
            )
            if cancelled is not None:
                messages.success(request, "Cancelled; the time is free again.")
                return redirect(_day_url(appointment.site_id, appointment.start, zone))
        status = 422 if status == 200 else status
    else:
        form = CancelForm()
    return render(
        request,
        "scheduling/cancel.html",
        {"appointment": appointment, "form": form, "zone": zone},
        status=status,
    )


@login_required
@require_GET
def patient_appointments(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = staff(request)
    patient = patient_get_for_user(user, patient_id, capability=Capability.BOOK, audit_action=None)
    return render(
        request,
        "scheduling/patient.html",
        {
            "patient": patient,
            "appointments": appointments_of_patient(user, patient_id=patient.pk),
            "courses": plan_courses_to_book(user, patient_id=patient.pk),
        },
    )
