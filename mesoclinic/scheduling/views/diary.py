"""The diary's calendar pages: a site's day (per practitioner or per room) and its week.

Booking, moving and the appointment's own page are in ``views.booking``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from mesoclinic.audit.models import Action
from mesoclinic.core.http import staff
from mesoclinic.core.params import optional_integer_param
from mesoclinic.core.time import today_in
from mesoclinic.scheduling.diary import PRACTITIONERS, ROOMS, diary_day, diary_sites, diary_week
from mesoclinic.scheduling.selectors import appointment_get_for_user, site_get_for_user
from mesoclinic.scheduling.services import MOVABLE, TRANSITIONS

DAY = dt.timedelta(days=1)


@login_required
@require_GET
def diary_home(request: HttpRequest) -> HttpResponse:
    """Today at the user's first site (by name); a patient chosen on the way is kept."""
    sites = diary_sites(staff(request))
    if not sites:
        return render(request, "scheduling/no_site.html", status=404)
    site = sites[0]
    url = reverse("scheduling:day", args=[site.pk, today_in(site.zone)])
    patient = request.GET.get("patient", "")
    return redirect(f"{url}?patient={patient}" if patient.isdigit() else url)


@login_required
@require_GET
def diary_jump(request: HttpRequest, site_id: int) -> HttpResponse:
    """The date picker's target: ``?day=YYYY-MM-DD`` to that day's page (today when bad)."""
    site = site_get_for_user(staff(request), site_id)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today_in(site.zone)
    if request.GET.get("week"):
        return redirect("scheduling:week", site_id=site.pk, day=day - DAY * day.weekday())
    return redirect("scheduling:day", site_id=site.pk, day=day)


@login_required
@require_GET
def diary_day_view(request: HttpRequest, site_id: int, day: dt.date) -> HttpResponse:
    user = staff(request)
    site = site_get_for_user(user, site_id)
    view = ROOMS if request.GET.get("view") == ROOMS else PRACTITIONERS
    everyone = request.GET.get("everyone") == "1"
    moving = None
    move_id = optional_integer_param("move", request.GET.get("move", ""))
    if move_id is not None:
        moving = appointment_get_for_user(user, move_id, action=Action.VIEW)
        if moving.status not in MOVABLE or moving.site_id != site.pk:
            moving = None
        else:
            view = PRACTITIONERS
    diary = diary_day(user, site=site, day=day, view=view, everyone=everyone, moving=moving)
    patient = optional_integer_param("patient", request.GET.get("patient", ""))
    return render(
        request,
        "scheduling/day.html",
        {
            "diary": diary,
            "sites": diary_sites(user),
            "today": today_in(site.zone),
            "previous": day - DAY,
            "next": day + DAY,
            "monday": day - DAY * day.weekday(),
            "patient_id": patient,
            "transitions": TRANSITIONS,
        },
    )


@login_required
@require_GET
def diary_week_view(request: HttpRequest, site_id: int, day: dt.date) -> HttpResponse:
    user = staff(request)
    site = site_get_for_user(user, site_id)
    monday = day - DAY * day.weekday()
    if monday != day:
        return redirect("scheduling:week", site_id=site.pk, day=monday)
    week = diary_week(user, site=site, monday=monday)
    return render(
        request,
        "scheduling/week.html",
        {
            "week": week,
            "sites": diary_sites(user),
            "today": today_in(site.zone),
            "previous": monday - 7 * DAY,
            "next": monday + 7 * DAY,
        },
    )
