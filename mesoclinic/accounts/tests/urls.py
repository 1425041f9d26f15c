"""The project's URLs plus a tiny API and a failing page, mounted only by the tests that ask.

Used with ``@pytest.mark.urls("mesoclinic.accounts.tests.urls")``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from mesoclinic.accounts.api_auth import session_auth, token_auth
from mesoclinic.audit.context import current
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record
from mesoclinic.urls import urlpatterns as project_urlpatterns

api = NinjaAPI(urls_namespace="accounts-tests-api", docs_url=None, openapi_url=None)


@api.get("/whoami", auth=token_auth)
def whoami(request: HttpRequest) -> dict[str, Any]:
    """Who the token says, and who the audit trail would record."""
    audit_record(action=Action.VIEW, object_type="test")
    actor = current().actor
    return {"username": request.auth.username, "audit_actor": getattr(actor, "username", None)}  # type: ignore[attr-defined]


@api.get("/either", auth=[token_auth, session_auth])
def either(request: HttpRequest) -> dict[str, Any]:
    return {"username": request.auth.username}  # type: ignore[attr-defined]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    *project_urlpatterns,
    path("api/accounts-test/", api.urls),
    path("test-boom/", boom),
]
