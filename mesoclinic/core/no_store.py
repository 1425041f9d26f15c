"""Nothing a signed-in member of staff or an API client sees is kept by a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and private, no-cache) on every signed-in page and API answer.

    Shared clinic computers, browser back buttons and proxies must not keep health data
    (ASVS 14.3.2). One middleware instead of a decorator per view, so a new page cannot forget
    it; errors (403, 404, 409) are covered as well as successes. Place it after authentication.
    Static files are answered before it by WhiteNoise and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        already = "no-store" in response.get("Cache-Control", "")
        if (signed_in or request.path.startswith("/api/")) and not already:
            add_never_cache_headers(response)
        return response
