import uuid

from django.db import migrations, models


def give_keys(apps, schema_editor):
    """Every category its own key; categories of translations made before this migration take
    the key of the original's category in the same position."""
    AwardCategory = apps.get_model("awards", "AwardCategory")
    AwardEditionPage = apps.get_model("awards", "AwardEditionPage")
    Locale = apps.get_model("wagtailcore", "Locale")
    from django.conf import settings

    default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    keys = {}  # (translation_key, sort_order) -> key of the original's category
    editions = AwardEditionPage.objects.order_by("pk")
    originals = [e for e in editions if default is None or e.locale_id == default.pk]
    others = [e for e in editions if default is not None and e.locale_id != default.pk]
    for edition in originals + others:
        for category in AwardCategory.objects.filter(page_id=edition.pk).order_by(
            "sort_order", "pk"
        ):
            category.key = keys.setdefault(
                (edition.translation_key, category.sort_order), uuid.uuid4()
            )
            category.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="awardcategory",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
    ]
