"""StoredPlan and PlanEdit, moved here from the consultations app, keep their tables.

The models are created in the migration state only: their tables already exist (made by
``consultations.0001_initial``) and keep their names and rows; ``consultations.0002`` removes
the models from that app's state in the same way. The content types follow the models, so
permissions and admin history stay attached to them. See decision 0019.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("storedplan", "planedit")


def content_types_to_plans(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="consultations", model__in=MOVED).update(
        app_label="plans"
    )


def content_types_to_consultations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="plans", model__in=MOVED).update(
        app_label="consultations"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("consultations", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoredPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("knowledge_version", models.CharField(max_length=80)),
                        ("request", models.JSONField()),
                        ("engine_output", models.JSONField()),
                        ("current", models.JSONField()),
                        (
                            "consultation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plans",
                                to="consultations.consultation",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultations_storedplan",
                        "ordering": ("-created_at", "-id"),
                        "indexes": [
                            models.Index(
                                fields=["consultation", "-created_at"], name="plan_consult_created"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("knowledge_version", ""), _negated=True),
                                name="plan_knowledge_version_set",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlanEdit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("path", models.CharField(max_length=120)),
                        ("old_value", models.JSONField(blank=True, null=True)),
                        ("new_value", models.JSONField()),
                        ("reason", models.TextField(max_length=2000)),
                        ("edited_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "edited_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="edits",
                                to="plans.storedplan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultations_planedit",
                        "ordering": ("edited_at", "id"),
                        "constraints": [
                            models.CheckConstraint(
                                condition=django.db.models.lookups.GreaterThan(
                                    django.db.models.functions.text.Length(
                                        django.db.models.functions.text.Trim("reason")
                                    ),
                                    0,
                                ),
                                name="plan_edit_reason_given",
                                violation_error_message="An edit needs a reason.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("path", ""), _negated=True),
                                name="plan_edit_path_set",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_plans, content_types_to_consultations),
    ]
