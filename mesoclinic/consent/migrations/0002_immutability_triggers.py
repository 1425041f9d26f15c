"""Make the database itself refuse changes to what was consented, on SQLite and PostgreSQL.

- Signed consent records: every UPDATE and every DELETE is refused. Test databases are flushed
  with TRUNCATE on PostgreSQL, which row triggers do not see; on SQLite the flush is a DELETE
  per table, so a transactional test that leaves consent records behind must remove them first
  with ``mesoclinic.consent.tests.flush.consent_records_removed`` (it lifts the trigger for that
  one statement).
- Template versions: an UPDATE may only move ``is_current``; the text, title, version,
  treatment, author and date never change.
- Photo consent: the scopes, patient, date and author never change; the withdrawal stamp may
  be set once, and a withdrawn row never changes again.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TEMPLATE_FIXED = ("treatment", "title", "version", "body", "created_at", "created_by_id", "id")
PHOTO_FIXED = (
    "patient_id",
    "clinical_record",
    "teaching",
    "marketing",
    "given_at",
    "recorded_by_id",
    "id",
)


def _changed(columns: tuple[str, ...], *, sqlite: bool) -> str:
    operator = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{column} {operator} NEW.{column}" for column in columns)


SQLITE = [
    """
    CREATE TRIGGER consent_record_no_update BEFORE UPDATE ON consent_consentrecord
    BEGIN SELECT RAISE(ABORT, 'signed consent is immutable'); END;
    """,
    """
    CREATE TRIGGER consent_record_no_delete BEFORE DELETE ON consent_consentrecord
    BEGIN SELECT RAISE(ABORT, 'signed consent is immutable'); END;
    """,
    f"""
    CREATE TRIGGER consent_template_content_fixed BEFORE UPDATE ON consent_consenttemplate
    WHEN {_changed(TEMPLATE_FIXED, sqlite=True)}
    BEGIN SELECT RAISE(ABORT, 'consent template versions are immutable'); END;
    """,
    f"""
    CREATE TRIGGER consent_photoconsent_fixed BEFORE UPDATE ON consent_photoconsent
    WHEN OLD.withdrawn_at IS NOT NULL OR {_changed(PHOTO_FIXED, sqlite=True)}
    BEGIN SELECT RAISE(ABORT, 'photo consent is kept as given'); END;
    """,
]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION consent_record_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'signed consent is immutable'; END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER consent_record_no_change BEFORE UPDATE OR DELETE ON consent_consentrecord
    FOR EACH ROW EXECUTE FUNCTION consent_record_refuse();
    """,
    f"""
    CREATE OR REPLACE FUNCTION consent_template_refuse_change() RETURNS trigger AS $$
    BEGIN
      IF {_changed(TEMPLATE_FIXED, sqlite=False)} THEN
        RAISE EXCEPTION 'consent template versions are immutable';
      END IF;
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER consent_template_content_fixed BEFORE UPDATE ON consent_consenttemplate
    FOR EACH ROW EXECUTE FUNCTION consent_template_refuse_change();
    """,
    f"""
    CREATE OR REPLACE FUNCTION consent_photoconsent_refuse_change() RETURNS trigger AS $$
    BEGIN
      IF OLD.withdrawn_at IS NOT NULL OR {_changed(PHOTO_FIXED, sqlite=False)} THEN
        RAISE EXCEPTION 'photo consent is kept as given';
      END IF;
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER consent_photoconsent_fixed BEFORE UPDATE ON consent_photoconsent
    FOR EACH ROW EXECUTE FUNCTION consent_photoconsent_refuse_change();
    """,
]
DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS consent_record_no_update;",
    "DROP TRIGGER IF EXISTS consent_record_no_delete;",
    "DROP TRIGGER IF EXISTS consent_template_content_fixed;",
    "DROP TRIGGER IF EXISTS consent_photoconsent_fixed;",
]
DROP_POSTGRES = [
    "DROP TRIGGER IF EXISTS consent_record_no_change ON consent_consentrecord;",
    "DROP FUNCTION IF EXISTS consent_record_refuse();",
    "DROP TRIGGER IF EXISTS consent_template_content_fixed ON consent_consenttemplate;",
    "DROP FUNCTION IF EXISTS consent_template_refuse_change();",
    "DROP TRIGGER IF EXISTS consent_photoconsent_fixed ON consent_photoconsent;",
    "DROP FUNCTION IF EXISTS consent_photoconsent_refuse_change();",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, sqlite: list[str], postgres: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = sqlite
    elif vendor == "postgresql":
        statements = postgres
    else:  # pragma: no cover - only the two supported databases exist
        raise RuntimeError(f"no consent immutability triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, SQLITE, POSTGRES)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, DROP_SQLITE, DROP_POSTGRES)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
