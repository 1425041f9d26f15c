"""Staff management for managers: the list of their sites' staff, adding, deactivating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.forms import StaffForm
from mesoclinic.accounts.selectors import STAFF, staff_get_for_manager, staff_list_for_manager
from mesoclinic.accounts.services import (
    staff_deactivate,
    staff_mfa_reset,
    staff_password_reset,
    staff_register,
)
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import add_invalid
from mesoclinic.core.http import staff as acting_staff


@never_cache
@login_required
@require_GET
def staff_list_view(request: HttpRequest) -> HttpResponse:
    manager = acting_staff(request)
    staff = staff_list_for_manager(manager)
    return render(request, "accounts/staff_list.html", {"staff": staff, "me": manager})


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def staff_create_view(request: HttpRequest) -> HttpResponse:
    manager = acting_staff(request)
    require(manager, Capability.MANAGE_STAFF, what=STAFF)
    form = StaffForm(request.POST if request.method == "POST" else None, site_ids=site_ids(manager))
    if form.is_valid():
        data = form.cleaned_data
        try:
            staff = staff_register(
                actor=manager,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                sites=data["sites"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                is_prescriber=data["is_prescriber"],
                registration_number=data["registration_number"],
            )
        except Invalid as error:
            add_invalid(form, error)
        else:
            messages.success(request, f"{staff.get_full_name()} ({staff.username}) is added.")
            return redirect("accounts:staff")
    return render(request, "accounts/staff_form.html", {"form": form})


@login_required
@require_POST
def staff_deactivate_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    manager = acting_staff(request)
    staff = staff_get_for_manager(manager, staff_id)
    try:
        staff_deactivate(staff=staff, actor=manager)
    except Invalid as error:
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(
            request,
            f"{staff.get_full_name() or staff.username} is deactivated: signed out everywhere, "
            "API tokens revoked.",
        )
    return redirect("accounts:staff")


@login_required
@require_POST
def staff_mfa_reset_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    manager = acting_staff(request)
    staff = staff_get_for_manager(manager, staff_id)
    staff_mfa_reset(staff=staff, actor=manager)
    messages.success(
        request,
        f"{staff.get_full_name() or staff.username}'s authenticator app is removed; they set up "
        "a new one at their next sign-in.",
    )
    return redirect("accounts:staff")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_password_reset_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    """GET asks the manager to confirm; POST sets a temporary password and shows it on this
    response only (never stored in clear, so no later page could show it)."""
    manager = acting_staff(request)
    staff = staff_get_for_manager(manager, staff_id)
    context: dict[str, object] = {"member": staff}
    if request.method == "POST":
        try:
            context["temporary_password"] = staff_password_reset(staff=staff, actor=manager)
        except Invalid as error:
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
            return redirect("accounts:staff")
    return render(request, "accounts/staff_password_reset.html", context)
