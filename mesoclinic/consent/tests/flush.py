"""Let a transactional test that leaves signed consent behind be flushed on SQLite.

The database refuses to DELETE a signed consent record (migration 0002). On PostgreSQL the
test flush is a TRUNCATE, which row triggers do not see; on SQLite it is a DELETE per table,
which the trigger refuses. A transactional test (``transactional_db``, ``live_server``) that
signs consent takes the ``consent_records_removed`` fixture: after the test, and before the
flush, it lifts the trigger for one statement that removes the records, then restores it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

_triggers = importlib.import_module("mesoclinic.consent.migrations.0002_immutability_triggers")
DELETE_TRIGGER = next(sql for sql in _triggers.SQLITE if "consent_record_no_delete" in sql)


def remove_consent_records() -> None:
    """Delete every signed consent record; for test teardown only."""
    if connection.vendor != "sqlite":
        return  # the flush's TRUNCATE removes them
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER consent_record_no_delete")
        cursor.execute("DELETE FROM consent_consentrecord")
        cursor.execute(DELETE_TRIGGER)


@pytest.fixture
def consent_records_removed(transactional_db: None) -> Iterator[None]:
    yield
    remove_consent_records()
