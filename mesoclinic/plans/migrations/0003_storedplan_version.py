from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_plan_prescriber_signature"),
    ]

    operations = [
        migrations.AddField(
            model_name="storedplan",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
