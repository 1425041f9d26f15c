"""Structured logs: one JSON object per line on standard error, each with the request's id.

The request id comes from ``RequestIdMiddleware`` through a context variable, so every line
written while a request is handled carries it, whichever logger wrote it. Patient data never
reaches a log line: the access line names the path without its query string (searches carry
names there), Django's ``request`` attribute is dropped (its text includes the query string),
and the message of a database or validation error, which can quote stored values, is replaced
by the error's type.
"""

from __future__ import annotations

import logging
import re
import traceback
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: ContextVar[str] = ContextVar("request_id", default="")

# What a client may send as X-Request-ID: short, and nothing a log reader could misread.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# Exceptions whose message may quote stored values (PostgreSQL's "Key (x)=(...)" details).
_REDACTED_MESSAGES: tuple[type[BaseException], ...] = (DatabaseError, ValidationError)

# Record attributes never written: Django's `request` (its repr holds the query string) and
# the server socket of the development server.
_DROPPED = ("request", "server_time", "socket")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def sane_request_id(value: str | None) -> str | None:
    """``value`` if it is a usable request id (8-64 of ``A-Za-z0-9._:-``), else None."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with our fields: time, level, logger, message, request_id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *_DROPPED, "taskName"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        current = request_id.get()
        if current:
            log_data["request_id"] = current

    def formatException(self, ei: Any) -> Any:
        exc_type, exc, tb = ei
        if exc is not None and isinstance(exc, _REDACTED_MESSAGES):
            # The stack says where; the message could say what, and what may be a patient's.
            # Frames without their source lines, which could quote a value too.
            frames = [
                f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                for frame in traceback.extract_tb(tb)
            ]
            return "".join(
                ["Traceback (most recent call last):\n", *frames, f"{exc_type.__qualname__}\n"]
            )
        return super().formatException(ei)


class PlainFormatter(logging.Formatter):
    """A line for a developer's terminal: the access fields written out after the message.

    The JSON formatter carries ``method``, ``path``, ``status`` and ``duration_ms`` as fields; a
    plain line would otherwise say only "request".
    """

    ACCESS_FIELDS = ("method", "path", "status", "duration_ms")

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        present = [f for f in self.ACCESS_FIELDS if hasattr(record, f)]
        if not present:
            return line
        values = {f: getattr(record, f) for f in present}
        if "duration_ms" in values:
            values["duration_ms"] = f"{values['duration_ms']} ms"
        return f"{line} " + " ".join(str(values[f]) for f in present)
