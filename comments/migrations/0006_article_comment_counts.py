from django.db import migrations
from django.db.models import Sum


def counts_from_threads(apps, schema_editor):
    """Fill the new Article.comment_count from the threads' published counts."""
    Article = apps.get_model("articles", "Article")
    Thread = apps.get_model("comments", "Thread")
    totals = Thread.objects.values("article_id").annotate(n=Sum("published_count")).order_by()
    for row in totals.iterator():
        Article.objects.filter(pk=row["article_id"]).update(comment_count=row["n"] or 0)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_comment_count"),
        ("comments", "0005_author_key"),
    ]

    operations = [migrations.RunPython(counts_from_threads, migrations.RunPython.noop)]
