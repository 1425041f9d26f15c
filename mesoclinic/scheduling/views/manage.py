"""The managers' schedule setup pages: rooms, services, weekly hours and exceptions.

Every page needs ``MANAGE_SCHEDULE`` (managers only), asked by the selector or service each
view calls, so a receptionist is refused (403) before anything is read or written; a site
outside the manager's reach is not found (404). The services audit every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import FORM_ANCHOR, add_invalid, error_summary
from mesoclinic.core.http import staff
from mesoclinic.core.versions import posted_version
from mesoclinic.scheduling.manage_forms import (
    WEEKDAYS,
    ExceptionForm,
    HoursFormSet,
    RoomForm,
    ServiceForm,
    days_of,
    with_period,
)
from mesoclinic.scheduling.manage_selectors import (
    hours_for_manager,
    room_get_for_manager,
    room_list_for_manager,
    room_types,
    schedule_overview,
    schedule_site,
    service_get_for_manager,
    service_list_for_manager,
    time_off_upcoming,
)
from mesoclinic.scheduling.models import Service
from mesoclinic.scheduling.selectors import hours_version
from mesoclinic.scheduling.services import (
    HoursIn,
    StaleHours,
    room_save,
    service_save,
    time_off_add,
    time_off_remove,
    working_hours_set,
)

MINUTE = dt.timedelta(minutes=1)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request, "scheduling/manage/overview.html", {"overview": schedule_overview(staff(request))}
    )


@login_required
@require_GET
def rooms(request: HttpRequest, site_id: int) -> HttpResponse:
    site, rows = room_list_for_manager(staff(request), site_id)
    return render(request, "scheduling/manage/rooms.html", {"site": site, "rooms": rows})


@login_required
@require_http_methods(["GET", "POST"])
def room_edit(request: HttpRequest, site_id: int, room_id: int | None = None) -> HttpResponse:
    """Add a room (no ``room_id``) or change one."""
    user = staff(request)
    if room_id is None:
        site, room = schedule_site(user, site_id), None
        initial: dict[str, Any] = {"active": True}
    else:
        room = room_get_for_manager(user, site_id, room_id)
        site = room.site
        initial = {"name": room.name, "room_type": room.room_type, "active": room.active}
    form = RoomForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            saved = room_save(
                actor=user,
                site_id=site.pk,
                room_id=room_id,
                name=form.cleaned_data["name"],
                room_type=form.cleaned_data["room_type"],
                active=form.cleaned_data["active"],
            )
        except Invalid as invalid:
            add_invalid(form, invalid)
        else:
            messages.success(request, f"{saved.name} is {'added' if room is None else 'saved'}.")
            return redirect("schedule_manage:rooms", site_id=site.pk)
    return render(
        request,
        "scheduling/manage/room_form.html",
        {
            "site": site,
            "room": room,
            "form": form,
            "errors": error_summary(form, FORM_ANCHOR),
            "room_types": room_types(user),
        },
    )


@login_required
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    rows = service_list_for_manager(staff(request))
    return render(request, "scheduling/manage/services.html", {"services": rows})


def _service_initial(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "patient_facing_name": service.patient_facing_name,
        "duration": service.duration // MINUTE,
        "buffer_before": service.buffer_before // MINUTE,
        "buffer_after": service.buffer_after // MINUTE,
        "room_type": service.room_type,
        "needs_prescriber": service.needs_prescriber,
        "active": service.active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    """Add a service (no ``service_id``) or change one; its code stays as it was made."""
    user = staff(request)
    service = None if service_id is None else service_get_for_manager(user, service_id)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        initial=_service_initial(service) if service else None,
        editing=service is not None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = service_save(
                actor=user,
                code=service.code if service else data["code"],
                name=data["name"],
                patient_facing_name=data["patient_facing_name"],
                duration=data["duration"] * MINUTE,
                buffer_before=data["buffer_before"] * MINUTE,
                buffer_after=data["buffer_after"] * MINUTE,
                room_type=data["room_type"],
                needs_prescriber=data["needs_prescriber"],
                active=data["active"],
                new=service is None,
            )
        except Invalid as invalid:
            add_invalid(form, invalid)
        else:
            messages.success(request, f"{saved.name} is {'added' if service is None else 'saved'}.")
            return redirect("schedule_manage:services")
    return render(
        request,
        "scheduling/manage/service_form.html",
        {
            "service": service,
            "form": form,
            "errors": error_summary(form, FORM_ANCHOR),
            "room_types": room_types(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, site_id: int, practitioner_id: int) -> HttpResponse:
    """The practitioner's week at the site: one row per weekday (more where split hours were
    set, or a period was added with the day's "Add a period" button), blank start and end for
    a day off; saving replaces the whole week, unless someone else saved it meanwhile (409,
    what was typed kept, the week as saved now shown)."""
    user = staff(request)
    site, practitioner, rows = hours_for_manager(user, site_id, practitioner_id)
    version = hours_version(rows)
    stale: StaleHours | None = None
    status = 200
    if request.method == "POST" and "add" in request.POST:
        # Another period on a day: the same page again with one more blank row for that day,
        # everything typed kept, nothing saved.
        formset = HoursFormSet(with_period(request.POST, request.POST["add"]), prefix="hours")
        version = posted_version(request) or version
    elif request.method == "POST":
        formset = HoursFormSet(request.POST, prefix="hours")
        if formset.is_valid():
            given = [i for i, form in enumerate(formset.forms) if form.working]
            week = [
                HoursIn(
                    weekday=formset.forms[i].cleaned_data["weekday"],
                    start=formset.forms[i].cleaned_data["start"],
                    end=formset.forms[i].cleaned_data["end"],
                    effective_from=formset.forms[i].cleaned_data["effective_from"],
                    effective_to=formset.forms[i].cleaned_data["effective_to"],
                )
                for i in given
            ]
            try:
                working_hours_set(
                    actor=user,
                    practitioner_id=practitioner.pk,
                    site_id=site.pk,
                    hours=week,
                    expected_version=posted_version(request),
                )
            except Invalid as invalid:
                formset.add_invalid(invalid, given)
            except StaleHours as refused:
                stale, status = refused, 409
            else:
                messages.success(
                    request,
                    f"{practitioner.get_full_name() or practitioner.username}'s hours at "
                    f"{site.name} are saved.",
                )
                return redirect("schedule_manage:overview")
        if stale is None:
            version = posted_version(request) or version
    else:
        initial: list[dict[str, Any]] = []
        for weekday in range(len(WEEKDAYS)):
            days = [row for row in rows if row.weekday == weekday]
            initial += [
                {
                    "weekday": weekday,
                    "start": row.start,
                    "end": row.end,
                    "effective_from": row.effective_from,
                    "effective_to": row.effective_to,
                }
                for row in days
            ] or [{"weekday": weekday}]
        formset = HoursFormSet(initial=initial, prefix="hours")
    summary = [
        (anchor, message) for form in formset.forms for anchor, message in error_summary(form)
    ]
    summary = [("hours-form", str(message)) for message in formset.non_form_errors()] + summary
    if stale is not None:
        summary = [("saved-now", stale.message), *summary]
    return render(
        request,
        "scheduling/manage/hours.html",
        {
            "site": site,
            "practitioner": practitioner,
            "formset": formset,
            "days": days_of(formset),
            "errors": summary,
            "version": version,
            "saved_now": [(WEEKDAYS[r.weekday], r) for r in rows] if stale is not None else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exceptions(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's upcoming exceptions, and the form that adds one."""
    user = staff(request)
    listing = time_off_upcoming(user, site_id)
    form = ExceptionForm(
        request.POST if request.method == "POST" else None, practitioners=listing.practitioners
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = time_off_add(
                actor=user,
                site_id=listing.site.pk,
                kind=data["kind"],
                practitioner_id=data["practitioner"],
                first_day=data["first_day"],
                last_day=data["last_day"] or data["first_day"],
                start=data["start"],
                end=data["end"],
                note=data["note"],
            )
        except Invalid as invalid:
            add_invalid(form, invalid)
        else:
            messages.success(
                request,
                f"{row.get_kind_display()} from {row.first_day:%d %b %Y} to "
                f"{row.last_day:%d %b %Y} is added.",
            )
            return redirect("schedule_manage:exceptions", site_id=listing.site.pk)
    return render(
        request,
        "scheduling/manage/exceptions.html",
        {"listing": listing, "form": form, "errors": error_summary(form, FORM_ANCHOR)},
    )


@login_required
@require_POST
def exception_remove(request: HttpRequest, site_id: int, time_off_id: int) -> HttpResponse:
    time_off_remove(actor=staff(request), site_id=site_id, time_off_id=time_off_id)
    messages.success(request, "The exception is removed.")
    return redirect("schedule_manage:exceptions", site_id=site_id)
