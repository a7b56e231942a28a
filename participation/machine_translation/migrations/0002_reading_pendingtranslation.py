import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("machine_translation", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="PendingTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("source_hash", models.CharField(max_length=64)),
                ("source_language", models.CharField(max_length=16)),
                ("target_language", models.CharField(max_length=16)),
                ("backend", models.CharField(max_length=32)),
                ("text", models.TextField()),
                ("truncated", models.BooleanField(default=False)),
                ("request_id", models.BigIntegerField(blank=True, null=True)),
                ("sent_at", models.DateTimeField()),
                ("attempts", models.PositiveSmallIntegerField(default=1)),
                ("error", models.CharField(blank=True, max_length=500)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source_hash", "source_language", "target_language", "backend"),
                        name="one_pending_translation_per_text",
                    )
                ],
            },
        ),
    ]
