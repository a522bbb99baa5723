# Votes and the "best" order: the counts and score kept on each comment, and the votes
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0009_status_changed_index")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="best_score",
            field=models.FloatField(default=0.0),
        ),
        migrations.AddField(
            model_name="comment",
            name="downvotes",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="comment",
            name="upvotes",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="Vote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("voter_key", models.CharField(max_length=80)),
                ("value", models.SmallIntegerField(choices=[(1, "Up"), (-1, "Down")])),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="comments.comment",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["voter_key", "comment"], name="vote_voter_comment")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("comment", "voter_key"), name="one_vote_per_reader"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__in", (1, -1))), name="vote_up_or_down"
                    ),
                ],
            },
        ),
    ]
