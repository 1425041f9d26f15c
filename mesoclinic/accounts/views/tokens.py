"""API tokens: each member of staff makes and revokes their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from mesoclinic.accounts.forms import TokenForm
from mesoclinic.accounts.selectors import api_token_get_for_user, api_token_list_for_user
from mesoclinic.accounts.services import staff_reauthenticate
from mesoclinic.accounts.token_services import api_token_create, api_token_revoke
from mesoclinic.core.errors import Invalid
from mesoclinic.core.forms import add_invalid
from mesoclinic.core.http import staff


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    """The member's tokens; a POST makes one and shows it on this response only.

    Not redirected after the POST: the token is never stored, so no later page could show it.
    ``never_cache`` keeps it out of the browser's and any proxy's cache. Making one asks for
    the member's current password again (``staff_reauthenticate``).
    """
    user = staff(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = raw = None
    if form.is_valid():
        try:
            staff_reauthenticate(
                staff=user, password=form.cleaned_data["password"], purpose="api_token"
            )
            created, raw = api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=form.cleaned_data["read_only"],
            )
        except Invalid as error:
            add_invalid(form, error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "tokens": api_token_list_for_user(user),
        "created": created,
        "raw_token": raw,
        "now": timezone.now(),
    }
    return render(request, "accounts/tokens.html", context, status=201 if created else 200)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for_user(staff(request), token_id)
    api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect("accounts:tokens")
