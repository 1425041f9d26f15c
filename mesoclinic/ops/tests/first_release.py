"""Build a database as the first release left it, with data in it (run in its own process).

``python -m mesoclinic.ops.tests.first_release`` migrates the configured, empty database to
the first release's schema (each app's ``0001_initial``; the plans app did not exist yet) and
inserts a clinic through the historical models of that state, so the rows are written as
that release's code wrote them. ``test_upgrade`` then runs today's ``mesoclinic migrate`` on it.
"""

from __future__ import annotations

import datetime as dt
import os

# Each app's migrations at the first release; later migrations are the upgrade under test.
FIRST_RELEASE = [
    ("accounts", "0001_initial"),
    ("audit", "0001_initial"),
    ("patients", "0001_initial"),
    ("consultations", "0001_initial"),
    ("consent", "0001_initial"),
    ("photos", "0001_initial"),
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(FIRST_RELEASE)
    executor.loader.build_graph()
    old = executor.loader.project_state(FIRST_RELEASE).apps

    site = old.get_model("accounts", "Site").objects.create(code="upgrade", name="Upgrade Clinic")
    user = old.get_model("accounts", "User").objects.create(
        username="una.practitioner", role="practitioner"
    )
    user.sites.add(site)
    patient = old.get_model("patients", "Patient").objects.create(
        site=site,
        given_name="Ursula",
        family_name="Upgrade-Hall",
        date_of_birth=dt.date(1975, 6, 1),
        phone="+44 7700 900777",
        # What the first release's Patient.save() derived; historical models run no save().
        search_name="upgrade-hall ursula",
        search_phone="447700900777",
    )
    consultation = old.get_model("consultations", "Consultation").objects.create(
        patient=patient, practitioner=user, site=site, concerns=["pigmentation"]
    )
    old.get_model("consultations", "StoredPlan").objects.create(
        consultation=consultation,
        created_by=user,
        knowledge_version="2026.11.1",
        request={"patient": {"age": 51}},
        engine_output={"verdict": "suitable"},
        current={"verdict": "suitable"},
    )
    old.get_model("audit", "AuditEvent").objects.create(
        actor=user,
        actor_username=user.username,
        patient=patient,
        site=site,
        object_type="patient",
        object_id=str(patient.pk),
        action="create",
        outcome="allowed",
    )
    print(f"first release built: patient {patient.pk}")


if __name__ == "__main__":
    main()
