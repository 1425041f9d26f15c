"""Error reports through Sentry's SDK: off unless ``MESOCLINIC_SENTRY_DSN`` is set.

An error report must not carry patient data. The SDK is told not to send personal data
(``send_default_pii=False``: no cookies, no user, no client address), not to capture local
variables, and every event goes through ``scrub`` before it leaves the process: it keeps what
locates a fault (exception types, stack frames' file, function and line, the request's method
and path, the request id) and drops what could hold a patient's details.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mesoclinic.ops.logs import request_id

# Request headers that say nothing about a patient and help to reproduce a fault.
_KEPT_HEADERS = frozenset({"user-agent", "x-request-id", "content-type", "content-length"})
_KEPT_FRAME_KEYS = ("filename", "abs_path", "module", "function", "lineno", "in_app")


def sentry_init() -> bool:
    """Start the SDK when a DSN is configured; return whether it was started."""
    dsn = settings.SENTRY_DSN
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=settings.SENTRY_ENVIRONMENT,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=scrub,  # type: ignore[arg-type]  # the SDK's Event is a TypedDict of this
        integrations=[DjangoIntegration(transaction_style="url")],
    )
    return True


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event without anything that could identify or describe a patient.

    Kept: level, logger, platform, release, environment, timestamps, exception types and stack
    frames (file, function, line), the request's method, path and a few harmless headers, and
    the request id tag. Dropped: exception and log messages (a database error quotes values),
    local variables, source lines, query string, body, cookies, user, breadcrumbs, extra data.
    """
    clean: dict[str, Any] = {
        key: event[key]
        for key in (
            "event_id",
            "level",
            "logger",
            "platform",
            "release",
            "environment",
            "timestamp",
            "server_name",
            "transaction",
            "sdk",
        )
        if key in event
    }
    exceptions = (event.get("exception") or {}).get("values") or []
    clean["exception"] = {"values": [_scrub_exception(value) for value in exceptions]}
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url", ""))
        clean["request"] = {
            "method": request.get("method"),
            "url": url.split("?", 1)[0],
            "headers": {
                name: value
                for name, value in (request.get("headers") or {}).items()
                if name.lower() in _KEPT_HEADERS
            },
        }
    # Captured in the thread that handles the request, so the request's id is at hand.
    current = request_id.get()
    if current:
        clean["tags"] = {"request_id": current}
    if "logentry" in event or "message" in event:
        clean["logentry"] = {"message": "(message removed: may hold patient data)"}
    return clean


def _scrub_exception(value: dict[str, Any]) -> dict[str, Any]:
    frames = (value.get("stacktrace") or {}).get("frames") or []
    return {
        "type": value.get("type"),
        "module": value.get("module"),
        "value": "(message removed: may hold patient data)",
        "mechanism": value.get("mechanism"),
        "stacktrace": {"frames": [_scrub_frame(frame) for frame in frames]},
    }


def _scrub_frame(frame: dict[str, Any]) -> dict[str, Any]:
    return {key: frame[key] for key in _KEPT_FRAME_KEYS if key in frame}
