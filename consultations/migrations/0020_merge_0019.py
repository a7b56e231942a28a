# The 0019 migrations of work done side by side (assisted entry, imports, published tags,
# topics), joined.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0019_assisted_entry"),
        ("consultations", "0019_importing_importbatch"),
        ("consultations", "0019_reading_publishedtag"),
        ("consultations", "0019_topics_runs"),
    ]

    operations = []
