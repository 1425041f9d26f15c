"""Log lines: JSON, with the request id, and without patient data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from django.db import IntegrityError
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.ops.logs import JsonFormatter, PlainFormatter, request_id, sane_request_id
from mesoclinic.patients.models import Patient


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything every logger writes, at every level, through the production formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("django", "django.request", "mesoclinic")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for logger in loggers:
            logger.removeHandler(handler)


def test_it_keeps_a_sane_incoming_request_id_only() -> None:
    assert sane_request_id("0f8c2b7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f") is not None
    assert sane_request_id("Root=1-67891233-abcdef012345678912345678") is None  # "=" refused
    assert sane_request_id("short") is None
    assert sane_request_id("x" * 65) is None
    assert sane_request_id("id\nforged log line") is None
    assert sane_request_id(None) is None


def test_it_writes_one_json_object_per_line_with_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("mesoclinic.tests.logs")
    logger.addHandler(handler)
    token = request_id.set("req-12345678")
    try:
        logger.warning("two\nlines", extra={"count": 3})
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "two\nlines"
    assert record["level"] == "WARNING"
    assert record["logger"] == "mesoclinic.tests.logs"
    assert record["request_id"] == "req-12345678"
    assert record["count"] == 3
    assert "time" in record


@pytest.mark.django_db
def test_a_search_for_a_patients_name_leaves_no_trace_of_it_in_the_log(
    client_for: Callable[[User], Client],
    receptionist_a: User,
    patient_a: Patient,
    log_output: io.StringIO,
) -> None:
    response = client_for(receptionist_a).get(
        "/patients/?q=Anderson", headers={"X-Request-ID": "search-0001"}
    )
    assert response.status_code == 200
    assert "Anderson" in response.content.decode()  # the search found her
    assert response["X-Request-ID"] == "search-0001"
    output = log_output.getvalue()
    assert "Anderson" not in output
    access = [json.loads(line) for line in output.splitlines() if "mesoclinic.access" in line]
    assert access[-1]["path"] == "/patients/"
    assert access[-1]["request_id"] == "search-0001"
    assert access[-1]["user_id"] == receptionist_a.pk


def test_a_database_error_is_logged_without_its_message() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("mesoclinic.tests.errors")
    logger.addHandler(handler)
    try:
        try:
            raise IntegrityError("Key (email)=(alice.anderson@example.org) already exists.")
        except IntegrityError:
            logger.exception("saving failed")
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert "alice.anderson" not in stream.getvalue()
    assert record["exc_info"].rstrip().endswith("IntegrityError")
    assert "test_a_database_error_is_logged_without_its_message" in record["exc_info"]


def test_the_plain_format_writes_the_access_fields_out() -> None:
    record = logging.LogRecord("mesoclinic.access", logging.INFO, __file__, 1, "request", (), None)
    for name, value in {"method": "GET", "path": "/patients/", "status": 200}.items():
        setattr(record, name, value)
    record.duration_ms = 4.2

    line = PlainFormatter().format(record)

    assert line.endswith("INFO mesoclinic.access: request GET /patients/ 200 4.2 ms")


def test_the_plain_format_leaves_other_lines_as_they_are() -> None:
    record = logging.LogRecord("mesoclinic", logging.WARNING, __file__, 1, "disk full", (), None)

    assert PlainFormatter().format(record).endswith("WARNING mesoclinic: disk full")
