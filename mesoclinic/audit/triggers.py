"""The audit table's guards inside the database: no UPDATE ever, no DELETE of a young row.

The triggers are (re)created after every ``migrate`` (and every test flush) by a
``post_migrate`` handler (``AuditConfig.ready``), not only by a migration: on SQLite a later
migration that alters the table rebuilds it (create a copy, move the rows, drop the old one),
and the old table's triggers go with it. Re-creating them at the end of every migrate makes
that impossible to forget. See docs/decisions/0030-audit-guards-in-the-database.md.

A row may be deleted only once it is older than ``AUDIT_RETENTION_DAYS``: the retention purge
(``audit_purge``) is then the only DELETE that can succeed.
"""

from __future__ import annotations

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

UPDATE_TRIGGER = "audit_auditevent_no_update"
DELETE_TRIGGER = "audit_auditevent_no_young_delete"
TRIGGERS = (UPDATE_TRIGGER, DELETE_TRIGGER)


def _sqlite(days: int) -> list[str]:
    # Django stores SQLite datetimes as UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]"), which
    # compares in time order with datetime()'s output.
    return [
        f"DROP TRIGGER IF EXISTS {UPDATE_TRIGGER}",
        f"CREATE TRIGGER {UPDATE_TRIGGER} BEFORE UPDATE ON audit_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}",
        f"CREATE TRIGGER {DELETE_TRIGGER} BEFORE DELETE ON audit_auditevent "
        f"WHEN OLD.at > datetime('now', '-{days} days') "
        "BEGIN SELECT RAISE(ABORT, 'audit events are kept for their retention period'); END",
    ]


def _postgres(days: int) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION audit_auditevent_refuse_update() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {UPDATE_TRIGGER} ON audit_auditevent",
        f"CREATE TRIGGER {UPDATE_TRIGGER} BEFORE UPDATE ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_update()",
        "CREATE OR REPLACE FUNCTION audit_auditevent_refuse_young_delete() RETURNS trigger AS $$ "
        f"BEGIN IF OLD.at > now() - interval '{days} days' THEN "
        "RAISE EXCEPTION 'audit events are kept for their retention period'; END IF; "
        "RETURN OLD; END $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER} ON audit_auditevent",
        f"CREATE TRIGGER {DELETE_TRIGGER} BEFORE DELETE ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_young_delete()",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create or re-create both triggers on ``connection`` (idempotent)."""
    days = int(settings.AUDIT_RETENTION_DAYS)  # an int: it is written into the SQL
    if connection.vendor == "sqlite":
        statements = _sqlite(days)
    elif connection.vendor == "postgresql":
        statements = _postgres(days)
    else:  # pragma: no cover - only the two supported databases exist
        raise RuntimeError(f"no audit triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """The names of the audit triggers present on ``connection``."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()} & set(TRIGGERS)


def lift_delete_guard(connection: BaseDatabaseWrapper) -> None:
    """Drop the DELETE guard until the next ``install``; for test teardown on SQLite only.

    A transactional test's flush is a DELETE per table on SQLite, which the guard refuses for
    the young rows every test writes; the flush's own ``post_migrate`` re-installs the guard.
    """
    if connection.vendor != "sqlite":  # PostgreSQL flushes with TRUNCATE, which row triggers miss
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}")
