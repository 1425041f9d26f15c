from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_plans_move_to_plans_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
