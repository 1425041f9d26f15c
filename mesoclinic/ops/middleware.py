"""Request ids, the access log line, and the answer when the data directory cannot be written."""

from __future__ import annotations

import errno
import logging
import time
import uuid
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from mesoclinic.ops.logs import request_id, sane_request_id

access_logger = logging.getLogger("mesoclinic.access")
storage_logger = logging.getLogger("mesoclinic.storage")

REQUEST_ID_HEADER = "X-Request-ID"

# errno values meaning "the disk cannot take this write now", not "the code is wrong".
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM})
# SQLite's messages for the same conditions (PostgreSQL's disk-full arrives as DiskFull, an
# OperationalError whose SQLSTATE class is 53).
_SQLITE_STORAGE_MESSAGES = (
    "database or disk is full",
    "attempt to write a readonly database",
    "disk i/o error",
    "unable to open database file",
)


class RequestIdMiddleware:
    """Give each request an id, log one access line for it, and return the id in the response.

    A sane incoming ``X-Request-ID`` (set by the reverse proxy or the load balancer) is kept,
    so one id follows the request through every tier; otherwise a new one is made. The access
    line names the method, the path without its query string, the status and the duration.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        token = request_id.set(current)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = current
            user = getattr(request, "user", None)
            access_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id.reset(token)


def is_storage_failure(exception: BaseException) -> bool:
    """Whether ``exception`` means the disk is full or read-only (or the database's disk is)."""
    if isinstance(exception, OSError):
        return exception.errno in _STORAGE_ERRNOS
    if isinstance(exception, OperationalError):
        sqlstate = getattr(getattr(exception, "__cause__", None), "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("53"):
            return True  # PostgreSQL: insufficient resources (disk full, out of memory)
        message = str(exception).lower()
        return any(text in message for text in _SQLITE_STORAGE_MESSAGES)
    return False


class StorageFailureMiddleware:
    """A write that the disk refuses answers 503 with a page saying nothing was saved.

    Services write inside ``transaction.atomic``, so the failed write left no partial record;
    the next request tries the disk again, so the clinic recovers by itself once space returns.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_storage_failure(exception):
            return None
        storage_logger.error(
            "write refused by storage: %s",
            type(exception).__name__,
            extra={"method": request.method, "path": request.path, "errno": _errno(exception)},
        )
        body = render_to_string("ops/storage_unavailable.html", request=request)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
        return response


def _errno(exception: BaseException) -> str | None:
    number = getattr(exception, "errno", None)
    return errno.errorcode.get(number) if isinstance(number, int) else None
