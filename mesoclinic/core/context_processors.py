"""Template context every page needs: what the signed-in user may do."""

from __future__ import annotations

from django.http import HttpRequest

from mesoclinic.accounts.access import Capability, can


def capabilities(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {f"perms_{c.value}": can(user, c) for c in Capability}
