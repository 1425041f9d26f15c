"""The database itself guards the audit table, after all migrations, on SQLite and PostgreSQL.

The test database is built by running every migration, so these tests see the triggers as a
real installation has them (a later migration that rebuilds the table on SQLite would have
dropped a trigger created only by an earlier one).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from pytest_django.fixtures import Settings

from mesoclinic.audit import triggers
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.audit.services import audit_purge, audit_record

# The triggers read the database's own clock, which no test can move: rows are aged from the
# real time (a fixed date here made the retention test fail once the calendar passed it).
NOW = dt.datetime.now(dt.UTC)


def _event() -> int:
    return audit_record(action=Action.VIEW, object_type="patient", object_id=1).pk


def _raw(sql: str, *params: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _aged(days: int) -> int:
    """An event written ``days`` ago (the clock is moved, the row is a normal INSERT)."""
    with time_machine.travel(NOW - dt.timedelta(days=days), tick=False):
        return _event()


def test_both_triggers_exist_after_all_migrations(db: None) -> None:
    assert triggers.installed(connection) == set(triggers.TRIGGERS)


def test_the_database_refuses_update_of_an_audit_row(db: None) -> None:
    pk = _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET actor_username = 'someone else' WHERE id = %s", pk)
    assert AuditEvent.objects.get(pk=pk).actor_username == ""


def test_the_database_refuses_delete_of_a_row_within_its_retention_period(
    db: None, settings: Settings
) -> None:
    pk = _aged(days=settings.AUDIT_RETENTION_DAYS - 1)
    with pytest.raises(DatabaseError, match="retention period"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", pk)
    assert AuditEvent.objects.filter(pk=pk).exists()


def test_the_database_allows_delete_of_a_row_past_its_retention_period(
    db: None, settings: Settings
) -> None:
    pk = _aged(days=settings.AUDIT_RETENTION_DAYS + 1)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", pk)
    assert not AuditEvent.objects.filter(pk=pk).exists()


def test_the_purge_removes_only_old_rows_and_records_itself(db: None, settings: Settings) -> None:
    old = _aged(days=settings.AUDIT_RETENTION_DAYS + 10)
    young = _aged(days=settings.AUDIT_RETENTION_DAYS - 10)
    with time_machine.travel(NOW, tick=False):
        assert audit_purge() == 1
    assert not AuditEvent.objects.filter(pk=old).exists()
    assert AuditEvent.objects.filter(pk=young).exists()
    purge = AuditEvent.objects.get(action=Action.PURGE)
    assert purge.detail["removed"] == 1


@pytest.mark.django_db(transaction=True)
def test_migrate_puts_back_triggers_that_a_table_rebuild_dropped() -> None:
    # What a later migration altering the table does on SQLite: the triggers go with the table.
    with connection.cursor() as cursor:
        for name in triggers.TRIGGERS:
            suffix = "" if connection.vendor == "sqlite" else " ON audit_auditevent"
            cursor.execute(f"DROP TRIGGER {name}{suffix}")
    assert triggers.installed(connection) == set()
    call_command("migrate", verbosity=0)
    assert triggers.installed(connection) == set(triggers.TRIGGERS)
