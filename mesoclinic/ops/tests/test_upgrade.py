"""An installation of the first release, with data, upgrades to today's migrations intact.

Every migration runs in a transaction on both databases (PostgreSQL and SQLite both roll back
DDL), so a migration that fails leaves the schema as it was before it, never half changed;
``test_every_migration_runs_in_a_transaction`` keeps it so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

from mesoclinic.ops.tests.installation import installation


@pytest.mark.slow
def test_a_first_release_database_with_data_migrates_to_today(tmp_path: Path) -> None:
    with installation(tmp_path) as site:
        built = site.run(
            "shell", "-c", "from mesoclinic.ops.tests.first_release import main; main()"
        )
        assert "first release built" in built.stdout
        pending = site.run("migrate", "--check", check=False)
        assert pending.returncode != 0  # the upgrade has work to do

        site.run("migrate", "--noinput")

        site.run("migrate", "--check")
        ((patient_id, family, phone),) = site.query(
            "SELECT id, family_name, phone FROM patients_patient"
        )
        assert (family, phone) == ("Upgrade-Hall", "+44 7700 900777")
        # The plan belongs to the plans app now (its table kept its name, decision 0019).
        ((verdict, version),) = site.query(
            "SELECT current, knowledge_version FROM consultations_storedplan"
        )
        assert "suitable" in str(verdict)
        assert version == "2026.11.1"
        # The search tokens were built for the patient who existed before they did.
        tokens = site.query(
            f"SELECT token FROM patients_patientnametoken WHERE patient_id = {int(patient_id)}"  # noqa: S608 - an integer
        )
        assert {token for (token,) in tokens} == {"upgrade", "hall", "upgradehall", "ursula"}
        # The old audit row is there, and the guard added after the first release holds.
        ((count,),) = site.query("SELECT COUNT(*) FROM audit_auditevent")
        assert count == 1
        with pytest.raises(Exception, match="append-only"):  # sqlite3's or psycopg's own class
            site.query("UPDATE audit_auditevent SET path = 'changed'")


def test_every_migration_runs_in_a_transaction() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if type(migration).__module__.startswith("mesoclinic.")
    }
    assert ours, "no migrations found"
    outside = sorted(
        f"{app}.{name}"
        for (app, name), migration in ours.items()
        # An atomic migration runs all its operations in one transaction (Django's executor);
        # an operation's own `atomic` flag matters only in a migration that is not.
        if not migration.atomic
    )
    assert outside == [], "these migrations would run outside a transaction"
