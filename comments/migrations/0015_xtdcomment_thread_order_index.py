from django.db import migrations

# xtd indexes a comment's thread but not its position in it, so every read by position
# (where a reply goes, a reply's conversation, a comment's ancestors) scanned its whole
# thread: the cost of a reply grew with its thread. This index makes each of them a seek.
# xtd owns the table, so the index is made here in SQL rather than declared on its model.
INDEX = "xtdcomment_thread_order"
TABLE = "django_comments_xtd_xtdcomment"


def _concurrently(schema_editor) -> str:
    # On PostgreSQL without blocking the comments table's writes while the index is built:
    # the release before keeps taking comments during an upgrade in place (README).
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def index_create(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS {INDEX} "
        f'ON {TABLE} (thread_id, "order")'
    )


def index_drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0014_db_defaults_for_rolling_upgrades"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]
