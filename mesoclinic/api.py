"""The HTTP API, version 1: one NinjaAPI, one router per area, all under ``/api/v1/``.

The OpenAPI UI is served at ``/api/v1/docs`` and the schema at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from ninja import NinjaAPI

from mesoclinic.plans.api import router as plans_router

api = NinjaAPI(title="Mesoclinic API", version="1", docs_url="/docs", urls_namespace="api-1")
api.add_router("/plans", plans_router)
