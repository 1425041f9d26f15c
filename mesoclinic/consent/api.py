"""The consent API (`/api/v1/consent`): thin endpoints over selectors and services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["consent"])
