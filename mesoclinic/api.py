"""The HTTP API, version 1: one NinjaAPI, one router per area, all under ``/api/v1/``.

The OpenAPI UI is served at ``/api/v1/docs`` and the schema at ``/api/v1/openapi.json``, in
production to signed-in staff only (``accounts.api_docs``).
Domain errors become one envelope: ``{"error": "...", "fields": {...}}`` with 404, 403 or 422.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from mesoclinic.accounts.api_docs import docs_for_staff
from mesoclinic.consent.api import router as consent_router
from mesoclinic.consultations.api import router as consultations_router
from mesoclinic.core.errors import Forbidden, Invalid, NotFound
from mesoclinic.patients.api import router as patients_router
from mesoclinic.photos.api import router as photos_router
from mesoclinic.plans.api import router as plans_router

api = NinjaAPI(
    title="Mesoclinic API",
    version="1",
    docs_url="/docs",
    urls_namespace="api-1",
    # In production, behind sign-in (both factors): see accounts.api_docs.
    docs_decorator=docs_for_staff,
)
api.add_router("/plans", plans_router)
api.add_router("/patients", patients_router)
api.add_router("/consultations", consultations_router)
api.add_router("/consent", consent_router)
api.add_router("/photos", photos_router)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"error": exc.message}, status=404)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"error": exc.message}, status=403)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return api.create_response(
        request, {"error": "invalid input", "fields": exc.errors}, status=422
    )
