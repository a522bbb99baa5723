from django.db import migrations

from core.db_indexes import unused_indexes_drop

# Every comment written updates every index of django-contrib-comments' and xtd's tables, and
# these serve no query Parley makes: its comments are found by article (comments_comment),
# placed by thread and position (xtdcomment_thread_order, which leads with the thread too),
# and no query looks for a comment by its site, content type, object id, removed flag, reply
# count or position alone. Each cost a post a B-tree update and a page written.
# The libraries own the tables, so the indexes are dropped here in SQL, as 0015 added one.
UNUSED = {
    "django_comments": ("site_id", "content_type_id", "object_pk", "is_removed"),
    "django_comments_xtd_xtdcomment": ("thread_id", "order", "nested_count"),
}


class Migration(migrations.Migration):
    # CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0015_xtdcomment_thread_order_index"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    # object_pk is a varchar: PostgreSQL also had its LIKE copy, made again when unapplied.
    operations = [unused_indexes_drop(UNUSED, like_of={"django_comments": ("object_pk",)})]
