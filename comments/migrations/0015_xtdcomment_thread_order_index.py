from django.db import migrations

# xtd indexes a comment's thread but not its position in it, so every read by position
# (where a reply goes, a reply's conversation, a comment's ancestors) scanned its whole
# thread: the cost of a reply grew with its thread. This index makes each of them a seek.
# xtd owns the table, so the index is made here in SQL rather than declared on its model.
INDEX = "xtdcomment_thread_order"


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0014_db_defaults_for_rolling_upgrades"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS {INDEX} ON django_comments_xtd_xtdcomment (thread_id, "order")',
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
