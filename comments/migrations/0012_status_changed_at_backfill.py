# A comment scored as it was stored (the embedded default, scoring inline) was stored with
# its final status but no status_changed_at until this release. The moderators' digest of
# held comments, the queue's Published tab and its "oldest waiting" figures, and the missed
# notifications sweep all go by that column, so those comments were left out of each. Their
# status was decided as they were submitted: that is the time they get.
from django.db import migrations
from django.db.models import OuterRef, Subquery


def status_changed_at_backfill(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    CommentBase = apps.get_model("django_comments", "Comment")
    submitted = CommentBase.objects.filter(pk=OuterRef("pk")).values("submit_date")[:1]
    Comment.objects.filter(status_changed_at__isnull=True).exclude(status="pending").update(
        status_changed_at=Subquery(submitted)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_fewer_indexes"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [
        migrations.RunPython(status_changed_at_backfill, migrations.RunPython.noop, elidable=True)
    ]
