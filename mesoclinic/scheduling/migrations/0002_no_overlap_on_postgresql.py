"""PostgreSQL only: appointments that hold time never overlap per practitioner, room or patient.

Exclusion constraints over ``tstzrange`` need the ``btree_gist`` extension (for ``=`` on the
ids in a GiST index). SQLite has neither; there the booking services re-check overlap inside
the write transaction that SQLite serialises (decision 0033), so on SQLite this migration does
nothing.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "scheduling_appointment"
# The statuses that hold time, as in models.HOLDING; an overbooking holds nothing.
HOLDS_TIME = "status IN ('requested', 'confirmed', 'arrived', 'completed') AND overbook_reason = ''"
CONSTRAINTS = {
    "scheduling_appointment_practitioner_no_overlap": (
        "practitioner_id WITH =, tstzrange(held_from, held_until, '[)') WITH &&"
    ),
    "scheduling_appointment_room_no_overlap": (
        "room_id WITH =, tstzrange(held_from, held_until, '[)') WITH &&"
    ),
    "scheduling_appointment_patient_no_overlap": (
        "patient_id WITH =, tstzrange(start, \"end\", '[)') WITH &&"
    ),
}


def add(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, elements in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({elements}) WHERE ({HOLDS_TIME})"
        )


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
