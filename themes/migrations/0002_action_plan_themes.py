"""The themes of the EU Action Plan on Integration and Inclusion 2021-2027.

Created once in the default locale; editors may rename, describe and translate them afterwards,
and re-running this migration (or a fresh install) never duplicates them.
"""

import uuid

from django.conf import settings
from django.db import migrations

THEMES = [
    # slug, name, kind, summary
    ("education-and-training", "Education and training", "sectoral",
     "Inclusive education from early childhood to adult learning, and recognition of qualifications."),
    ("employment-and-skills", "Employment and skills", "sectoral",
     "Access to work, skills, entrepreneurship and fair working conditions."),
    ("health", "Health", "sectoral",
     "Access to health services, including mental health care."),
    ("housing", "Housing", "sectoral",
     "Adequate and affordable housing, and fighting segregation."),
    ("building-strong-partnerships", "Building strong partnerships", "horizontal",
     "Working together across levels of government, civil society, social partners and migrants."),
    ("eu-funding", "EU funding", "horizontal",
     "Using EU funds for inclusion and integration."),
    ("participation-and-encounters", "Participation and encounters with the host society", "horizontal",
     "Involving migrants in decisions and bringing people together."),
    ("monitoring-and-evidence", "Monitoring and evidence", "horizontal",
     "Evidence-based policy and monitoring progress."),
    ("digital-tools", "Digital tools", "horizontal",
     "Digital tools for integration and digital skills."),
]


def create_themes(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Theme = apps.get_model("themes", "Theme")
    language = settings.LANGUAGE_CODE.split("-")[0]
    locale, _ = Locale.objects.get_or_create(language_code=language)
    for order, (slug, name, kind, summary) in enumerate(THEMES):
        Theme.objects.get_or_create(
            locale=locale,
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "summary": summary,
                "sort_order": order,
                "translation_key": uuid.uuid4(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0001_initial"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
