# Every comment an import (or a reader) adds updated six indexes that no query needs:
# article_id and status each on their own, which lead comment_article_status and
# comment_status_changed; the LIKE ("_like", varchar_pattern_ops) copies PostgreSQL gets
# for status, text_hash and author_key, which are only ever compared whole; and the
# thread's article_id, which leads thread_article_listed. They go. text_hash's and
# author_key's own indexes stay, renamed to the names their Meta.indexes entries give.
from django.db import migrations, models

# (table, column): the index db_index made, dropped; LIKE: its "_like" copy too.
DROPPED = [
    ("comments_comment", "article_id"),
    ("comments_comment", "status"),
    ("comments_thread", "article_id"),
]
LIKE = [
    ("comments_comment", "status"),
    ("comments_comment", "text_hash"),
    ("comments_comment", "author_key"),
]
RENAMED = {"text_hash": "comment_text_hash", "author_key": "comment_author_key"}


def _name(schema_editor, table: str, column: str, suffix: str = "") -> str:
    # The name Django gave the index when the field had db_index (the same function).
    return schema_editor._create_index_name(table, [column], suffix=suffix)


def indexes_drop(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, column in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(schema_editor, table, column)}")
    if postgresql:
        for table, column in LIKE:
            name = _name(schema_editor, table, column, "_like")
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for column, new in RENAMED.items():
        old = _name(schema_editor, "comments_comment", column)
        if postgresql:
            schema_editor.execute(f"ALTER INDEX IF EXISTS {old} RENAME TO {new}")
        else:  # SQLite renames no index: built again (small sites)
            schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
            schema_editor.execute(f"CREATE INDEX {new} ON comments_comment ({column})")


def indexes_restore(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for column, new in RENAMED.items():
        old = _name(schema_editor, "comments_comment", column)
        if postgresql:
            schema_editor.execute(f"ALTER INDEX IF EXISTS {new} RENAME TO {old}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {new}")
            schema_editor.execute(f"CREATE INDEX {old} ON comments_comment ({column})")
    for table, column in DROPPED:
        name = _name(schema_editor, table, column)
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    if postgresql:
        for table, column in LIKE:
            name = _name(schema_editor, table, column, "_like")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("comments", "0010_votes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(indexes_drop, indexes_restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="comments",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("published", "Published"),
                            ("held", "Held for a moderator"),
                            ("spam", "Spam"),
                            ("removed", "Removed"),
                            ("deleted", "Deleted by its author"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="text_hash",
                    field=models.CharField(blank=True, default="", max_length=40),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="author_key",
                    field=models.CharField(blank=True, default="", max_length=48),
                ),
                migrations.AddIndex(
                    model_name="comment",
                    index=models.Index(fields=["text_hash"], name="comment_text_hash"),
                ),
                migrations.AddIndex(
                    model_name="comment",
                    index=models.Index(fields=["author_key"], name="comment_author_key"),
                ),
                migrations.AlterField(
                    model_name="thread",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
            ],
        )
    ]
