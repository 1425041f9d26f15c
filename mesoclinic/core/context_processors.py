"""Template context every page needs: where the header's navigation leads."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The links of every page's header, by the key the base template reads.
_NAVIGATION = {
    "home": "index",
    "patients": "patients:list",
    "diary": "scheduling:home",
    "enquiries": "enquiries:inbox",
    "audit": "audit:list",
    "staff": "accounts:staff",
    "schedule": "schedule_manage:overview",
    "tokens": "accounts:tokens",
    "password": "accounts:password",
    "logout": "accounts:logout",
}


def navigation(request: HttpRequest) -> dict[str, dict[str, str]]:
    """``nav``: the header's URLs. Reversed once per script prefix, not on every page: nine
    ``{% url %}`` tags were a twentieth of a busy page's time."""
    return {"nav": _navigation(get_script_prefix())}


@cache
def _navigation(script_prefix: str) -> dict[str, str]:
    # reverse() reads the same script prefix that keys this cache.
    return {key: reverse(name) for key, name in _NAVIGATION.items()}
