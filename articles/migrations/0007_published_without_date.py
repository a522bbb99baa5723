# An article marked published with no date is published now (articles.services.article_save).

from django.db import migrations
from django.db.models.functions import Now


def dated_when_published_without_date(apps, schema_editor):
    """Articles saved as published with no date were neither visible nor scheduled: they are
    published from now, as they would be saved now."""
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(status="published", published_at__isnull=True).update(
        published_at=Now()
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_update_scheduled")]

    operations = [
        migrations.RunPython(dated_when_published_without_date, migrations.RunPython.noop),
    ]
