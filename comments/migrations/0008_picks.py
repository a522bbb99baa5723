# Placeholder filled in by the change that needs it: editor's picks
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_search")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="picked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="picked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("picked_at__isnull", False)),
                fields=["article", "picked_at"],
                name="comment_article_picks",
            ),
        ),
    ]
