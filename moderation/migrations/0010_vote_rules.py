# The rules for votes and the default order
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0009_author_moderation")]

    operations = [
        migrations.AddField(
            model_name="moderationrules",
            name="default_order",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "The site's setting (PARLEY_COMMENT_ORDER)"),
                    ("oldest", "Oldest first"),
                    ("newest", "Newest first"),
                    ("best", "Best first (by readers' votes)"),
                ],
                default="",
                help_text="How an article's threads are ordered for a reader who chose no order.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="moderationrules",
            name="down_votes_allowed",
            field=models.BooleanField(
                default=True, help_text="Readers may vote comments down as well as up."
            ),
        ),
        migrations.AddField(
            model_name="moderationrules",
            name="down_votes_to_report",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Down votes that put a comment in the queue's Reported tab (empty: "
                "never). Votes never hide a comment: a moderator decides.",
                null=True,
            ),
        ),
    ]
