# Updates dated in the future are scheduled: shown, and announced, from their date.

from django.db import migrations, models
from django.db.models.functions import Now


def scheduled_from_future_dates(apps, schema_editor):
    """Updates with a date still to come were scheduled in all but name."""
    ArticleUpdate = apps.get_model("articles", "ArticleUpdate")
    ArticleUpdate.objects.filter(published_at__gt=Now()).update(scheduled=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_language")]

    operations = [
        migrations.AddField(
            model_name="articleupdate",
            name="scheduled",
            field=models.BooleanField(default=False, editable=False, verbose_name="scheduled"),
        ),
        migrations.RunPython(scheduled_from_future_dates, migrations.RunPython.noop),
    ]
