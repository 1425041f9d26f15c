"""The HTTP API, version 1: one NinjaAPI, one router per area, all under ``/api/v1/``.

The OpenAPI UI is served at ``/api/v1/docs`` and the schema at ``/api/v1/openapi.json``, in
production to signed-in staff only (``accounts.api_docs``).
Every error is one envelope, ``core.schemas.ErrorOut``: ``{"error": "...", "fields": {...}}``.
Domain errors answer 404, 403, 409 or 422; the framework's own refusals use the same envelope:
a body or parameter that does not parse (422, ``fields`` naming each path and the value sent),
a missing or bad token (401), a Django ``Http404`` raised in an operation (404).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError, ValidationErrorContext

from mesoclinic.accounts.api_docs import docs_for_staff
from mesoclinic.consent.api import router as consent_router
from mesoclinic.consultations.api import router as consultations_router
from mesoclinic.core.errors import Conflict, Forbidden, Invalid, NotFound
from mesoclinic.enquiries.api import router as enquiries_router
from mesoclinic.patients.api import router as patients_router
from mesoclinic.photos.api import router as photos_router
from mesoclinic.plans.api import router as plans_router
from mesoclinic.scheduling.api import router as scheduling_router

# The longest part of a refused value quoted back in a message.
MAX_SHOWN = 60


class MesoclinicAPI(NinjaAPI):
    """ninja's API, with parse errors that keep the path and the value the caller sent."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        fields: dict[str, list[str]] = {}
        for context in error_contexts:
            model = context.model
            flatten = model.__ninja_flatten_map_reverse__
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = flatten.get(error["loc"], error["loc"])
                path = field_path(model.__ninja_param_source__, tuple(loc))
                message = f"{path}: {error['msg']}"
                if error["type"] != "missing" and "input" in error:
                    message += f" (got {_shown(error['input'])})"
                fields.setdefault(path, []).append(message)
        return ValidationError([{"fields": fields}])


def field_path(source: str, loc: tuple[Any, ...]) -> str:
    """``("body", "payload", "concerns", 0, "zones")`` -> ``concerns[0].zones``.

    The parameter's own name (``payload``) is dropped for a body; a body that is not JSON at
    all is ``body``.
    """
    parts = list(loc[1:] if source == "body" and len(loc) > 1 else loc)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or source


def _shown(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


api = MesoclinicAPI(
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
api.add_router("/enquiries", enquiries_router)
api.add_router("", scheduling_router)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"error": exc.message}, status=404)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"error": exc.message}, status=403)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"error": exc.message, **exc.extra}, status=409)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return api.create_response(
        request, {"error": "invalid input", "fields": exc.errors}, status=422
    )


@api.exception_handler(ValidationError)
def _unparsed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for entry in exc.errors:
        for path, messages in entry.get("fields", {}).items():
            fields.setdefault(path, []).extend(messages)
    return api.create_response(request, {"error": "invalid input", "fields": fields}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals: 401 from token authentication, and any HttpError raised by hand.
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def _no_route(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "Not found."}, status=404)
