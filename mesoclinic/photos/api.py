"""The photos API (`/api/v1/photos`): thin endpoints over selectors and services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["photos"])
