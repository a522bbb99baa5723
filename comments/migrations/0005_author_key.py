from django.db import migrations, models
from django.db.models import Sum


def keys_for_accounts(apps, schema_editor):
    """Comments by accounts get their account's key; guests' stay unproven (no key)."""
    Comment = apps.get_model("comments", "Comment")
    rows = Comment.objects.filter(user__isnull=False).values_list("pk", "user_id")
    for pk, user_id in rows.iterator(chunk_size=2000):
        Comment.objects.filter(pk=pk).update(author_key=f"user:{user_id}")


def counts_from_threads(apps, schema_editor):
    """Fill the new Article.comment_count from the threads' published counts."""
    Article = apps.get_model("articles", "Article")
    Thread = apps.get_model("comments", "Thread")
    totals = Thread.objects.values("article_id").annotate(n=Sum("published_count")).order_by()
    for row in totals.iterator():
        Article.objects.filter(pk=row["article_id"]).update(comment_count=row["n"] or 0)


class Migration(migrations.Migration):
    """The proven identity behind each comment, and each article's published count."""

    dependencies = [
        ("articles", "0003_comment_count"),
        ("comments", "0004_text_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="author_key",
            field=models.CharField(blank=True, db_index=True, default="", max_length=48),
        ),
        migrations.RunPython(keys_for_accounts, migrations.RunPython.noop),
        migrations.RunPython(counts_from_threads, migrations.RunPython.noop),
    ]
