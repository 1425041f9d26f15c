"""The patients API (`/api/v1/patients`): thin endpoints over selectors and services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["patients"])
