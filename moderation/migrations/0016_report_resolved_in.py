"""A report names the event that closed it, a moderator's decision as well as a dismissal,
so undoing either reopens it. Renamed, so dismissals recorded before keep their link."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0015_held_digest_reads_by_notices"),
    ]

    operations = [
        migrations.RenameField(
            model_name="report", old_name="dismissed_in", new_name="resolved_in"
        ),
        migrations.AlterField(
            model_name="report",
            name="resolved_in",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="moderation.moderationevent",
                verbose_name="resolved in",
            ),
        ),
    ]
