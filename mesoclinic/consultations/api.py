"""The consultations API (`/api/v1/consultations`): thin endpoints over selectors and services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["consultations"])
