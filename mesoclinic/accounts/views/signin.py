"""Signing in (password, then the second factor), signing out, changing one's password."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.forms import (
    CodeForm,
    LoginForm,
    PasswordForm,
    ReauthenticateForm,
    RecoveryCodeForm,
)
from mesoclinic.accounts.lockout import lockout_response
from mesoclinic.accounts.mfa import otpauth_url, qr_svg_data_uri, secret_for_typing
from mesoclinic.accounts.mfa_services import (
    recovery_code_use,
    recovery_codes_generate,
    recovery_codes_left,
    totp_device_start,
    totp_device_verify,
)
from mesoclinic.accounts.middleware import SIGNED_OUT_NOTICE, is_verified, session_start
from mesoclinic.accounts.models import User
from mesoclinic.accounts.selectors import totp_device_confirmed
from mesoclinic.accounts.services import (
    login_failure_record,
    login_record,
    logout_record,
    staff_password_set,
    staff_reauthenticate,
)
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import add_invalid
from mesoclinic.core.http import staff

HOME = "patients:list"


def _next(request: HttpRequest) -> str:
    """The ``next`` URL asked for, if it stays on this site; otherwise ``""``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Username and password; django-axes locks a username at an address out after 5 failures."""
    next_url = _next(request)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        username: str = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None and getattr(request, "axes_locked_out", False):
            login_failure_record(username=username, step="password", reason="locked_out")
            # Answered here with the clinic's page; clearing django-axes' flag stops its
            # middleware from replacing the page with its plain-text default.
            request.axes_locked_out = False  # type: ignore[attr-defined]
            return lockout_response(request)
        if user is None:
            login_failure_record(username=username, step="password", reason="wrong_credentials")
            form.add_error(
                None,
                f"Username or password: no account matches “{username}” with that password. "
                "Check both and try again.",
            )
        else:
            auth_login(request, user)
            session_start(request)
            login_record(staff=user, step="password")
            if settings.MFA_REQUIRED:
                query = urlencode({"next": next_url}) if next_url else ""
                return redirect(reverse("accounts:mfa") + (f"?{query}" if query else ""))
            return redirect(next_url or HOME)
    context = {
        "form": form,
        "next": next_url,
        "notice": request.session.pop(SIGNED_OUT_NOTICE, "") if request.method == "GET" else "",
    }
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        logout_record(staff=request.user, reason="signed_out")
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL or "accounts:login")


def _recovery_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """A recovery code instead of the app's code, on the same page (``mfa_view``)."""
    form = RecoveryCodeForm(request.POST)
    if form.is_valid():
        result = recovery_code_use(user=user, code=form.cleaned_data["recovery_code"])
        if result.device is not None:
            otp_login(request, result.device)
            request.session.cycle_key()
            messages.warning(
                request,
                f"You signed in with a recovery code; it cannot be used again. You have "
                f"{result.left} left: make new ones from the recovery codes page if few remain.",
            )
            return redirect(next_url or HOME)
        if result.wait_seconds:
            form.add_error(
                "recovery_code",
                f"Recovery code: too many wrong codes; wait {result.wait_seconds} seconds, "
                "then try again.",
            )
        else:
            form.add_error(
                "recovery_code",
                "Recovery code: it is not one of your unused codes; check it and try again.",
            )
    context = {"form": CodeForm(), "recovery_form": form, "next": next_url, "setting_up": False}
    return render(request, "accounts/mfa.html", context)


@never_cache
@sensitive_post_parameters("code", "recovery_code")
@login_required
@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """The second factor: set up an authenticator app (first time), or type its code or a
    recovery code. Setting up ends on a page with the new recovery codes, shown once."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next(request)
    if is_verified(user):
        return redirect(next_url or HOME)
    device = totp_device_confirmed(user)
    setting_up = device is None
    if request.method == "POST" and not setting_up and "recovery_code" in request.POST:
        return _recovery_step(request, user, next_url)
    if device is None:
        device = totp_device_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        code: str = form.cleaned_data["code"]
        result = totp_device_verify(device=device, code=code)
        if result.ok:
            otp_login(request, device)
            # A new session id for the raised privilege, as at sign-in (session fixation).
            request.session.cycle_key()
            if setting_up:
                # Not redirected: the codes are never stored in clear, so no later page
                # could show them.
                shown = {
                    "codes": recovery_codes_generate(user=user),
                    "next": next_url or reverse(HOME),
                    "first_time": True,
                }
                return render(request, "accounts/recovery_codes.html", shown)
            return redirect(next_url or HOME)
        if result.wait_seconds:
            form.add_error(
                "code",
                f"Code: too many wrong codes; wait {result.wait_seconds} seconds, then type "
                "the code your app shows.",
            )
        else:
            form.add_error(
                "code",
                f"Code: “{code}” is not the code your app shows now; type the current one.",
            )
    context: dict[str, object] = {
        "form": form,
        "recovery_form": RecoveryCodeForm(),
        "next": next_url,
        "setting_up": setting_up,
    }
    if setting_up:
        context["qr_data_uri"] = qr_svg_data_uri(otpauth_url(device))
        context["secret"] = secret_for_typing(device)
    return render(request, "accounts/mfa.html", context)


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the member's other sessions end (Django's session hash)."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        staff_password_set(staff=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is changed.")
        return redirect(HOME)
    return render(request, "accounts/password.html", {"form": form})


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a POST with the current password makes 10 new ones
    (the old ones stop working) and shows them on this response only."""
    user = staff(request)
    form = ReauthenticateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            staff_reauthenticate(
                staff=user, password=form.cleaned_data["password"], purpose="recovery_codes"
            )
        except Invalid as error:
            add_invalid(form, error)
        else:
            shown = {"codes": recovery_codes_generate(user=user), "next": reverse(HOME)}
            return render(request, "accounts/recovery_codes.html", shown)
    context = {"form": form, "left": recovery_codes_left(user)}
    return render(request, "accounts/recovery_codes.html", context)
