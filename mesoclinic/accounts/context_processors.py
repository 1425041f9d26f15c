"""Template context every page needs: what the signed-in user may do."""

from __future__ import annotations

from django.http import HttpRequest

from mesoclinic.accounts.access import Capability, capabilities_of

_KEYS = {capability: f"perms_{capability.value}" for capability in Capability}


def capabilities(request: HttpRequest) -> dict[str, bool]:
    """``perms_<capability>``: True or False for each capability (one lookup of the role)."""
    allowed = capabilities_of(request.user)
    return {key: capability in allowed for capability, key in _KEYS.items()}
