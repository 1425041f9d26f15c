"""Refuse UPDATE of audit rows in the database itself, on SQLite and PostgreSQL.

DELETE is refused by the model and queryset only: test databases are flushed with DELETE on
SQLite, and retention rules will delete old rows through one dedicated, audited path.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_update();
"""
DROP_SQLITE = "DROP TRIGGER IF EXISTS audit_auditevent_no_update;"
DROP_POSTGRES = (
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;"
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_update();"
)


def _run(schema_editor: BaseDatabaseSchemaEditor, sqlite: str, postgres: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(sqlite)
    elif vendor == "postgresql":
        schema_editor.execute(postgres)
    else:  # pragma: no cover - only the two supported databases exist
        raise RuntimeError(f"no append-only trigger for {vendor}")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, SQLITE, POSTGRES)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, DROP_SQLITE, DROP_POSTGRES)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
