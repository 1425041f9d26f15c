"""The sessions page: each member sees where they are signed in and ends what they do not use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.accounts.sessions import staff_session_end, staff_sessions_for_user
from mesoclinic.core.http import staff


@login_required
@require_GET
def sessions_view(request: HttpRequest) -> HttpResponse:
    sessions = staff_sessions_for_user(staff(request), current_key=request.session.session_key)
    return render(request, "accounts/sessions.html", {"sessions": sessions})


@login_required
@require_POST
def session_end_view(request: HttpRequest, handle: str) -> HttpResponse:
    staff_session_end(user=staff(request), handle=handle)
    messages.success(request, "That session has ended: the browser is signed out.")
    return redirect("accounts:sessions")
