import django.db.models.deletion
from django.db import migrations, models

from core.db_indexes import unused_indexes_drop

# event_comment_recent and verdict_comment_recent lead with the comment: the foreign keys'
# own indexes on it only cost every post a B-tree update and a page written. Dropped in SQL
# (core.db_indexes): AlterField would re-add each constraint on PostgreSQL, checking every
# row while comments wait, and copy each table on SQLite.
COVERED = {"moderation_moderationevent": ("comment_id",), "moderation_spamverdict": ("comment_id",)}


class Migration(migrations.Migration):
    # CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0016_comment_tables_unused_indexes_drop"),
        ("moderation", "0019_db_defaults_for_rolling_upgrades"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="moderationevent",
                    name="comment",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="comments.comment",
                        verbose_name="comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="spamverdict",
                    name="comment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="comments.comment",
                        verbose_name="comment",
                    ),
                ),
            ],
            database_operations=[unused_indexes_drop(COVERED)],
        )
    ]
