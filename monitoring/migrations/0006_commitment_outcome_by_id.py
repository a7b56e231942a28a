"""A commitment's consultation becomes a page and its outcome item an id offered through the core
(participation/outcomes.py): monitoring no longer holds foreign keys into consultations. The
columns and their values stay; only the constraints into that plugin's tables go."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0005_board_version'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='commitment',
            name='consultation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.page', verbose_name='consultation'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='outcome_item',
            field=models.BigIntegerField(blank=True, null=True, unique=True, db_column='outcome_item_id', verbose_name='outcome of a consultation'),
        ),
        migrations.RenameField(
            model_name='commitment',
            old_name='outcome_item',
            new_name='outcome_item_id',
        ),
        migrations.AlterField(
            model_name='commitment',
            name='outcome_item_id',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='outcome of a consultation'),
        ),
    ]
