"""StoredPlan and PlanEdit now belong to the plans app (``plans.0001_initial``).

State only: the tables stay, with every row; see decision 0019.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PlanEdit"),
                migrations.DeleteModel(name="StoredPlan"),
            ],
            database_operations=[],
        ),
    ]
