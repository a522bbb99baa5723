# Placeholder filled in by the change that needs it: corrected and withdrawn updates, scheduled publication
from django.db import migrations, models
from django.db.models.functions import Now


def scheduled_from_future_dates(apps, schema_editor):
    """Published articles with a time still to come were scheduled in all but name."""
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(status="published", published_at__gt=Now()).update(status="scheduled")


def published_from_scheduled(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(status="scheduled").update(status="published")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_comment_count")]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("scheduled", "Scheduled"),
                    ("published", "Published"),
                ],
                default="draft",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="articleupdate",
            name="corrected_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleupdate",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleupdate",
            name="correction_notice_pending",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(scheduled_from_future_dates, published_from_scheduled),
    ]
