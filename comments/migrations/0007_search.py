# What the moderators' search (moderation/selectors_search.py) needs on PostgreSQL: the
# comment's words as a stored tsvector column with a GIN index, and indexes for the author's
# name by prefix, the email without regard to case and the exact IP address. They live on
# django_comments' table, where those columns are, so they are written in SQL; each
# expression is the one the search writes, or PostgreSQL ignores the index.
# The words are stored rather than indexed as an expression: a search for a common word
# would otherwise parse every matching comment again (seconds at 100,000 comments). Adding
# the column rewrites the table once, a few seconds per million comments.
# SQLite (small sites) gets the exact email and IP indexes only: its word search scans,
# which is fine at its size.
from django.db import migrations

SEARCH_VECTOR = (
    "ALTER TABLE django_comments ADD COLUMN IF NOT EXISTS parley_search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, comment)) STORED"
)
POSTGRESQL_INDEXES = {
    "parley_comment_text_search": "USING gin (parley_search_vector)",
    "parley_comment_name_upper": "(UPPER(user_name::text) text_pattern_ops)",  # istartswith
    "parley_comment_email_upper": "(UPPER(user_email::text))",  # iexact
    # The queue's commenter history looks up exact addresses (moderation.selectors_commenters).
    "parley_comment_email": "(user_email)",
    "parley_comment_ip": "(ip_address)",
}
SQLITE_INDEXES = {"parley_comment_email": "(user_email)", "parley_comment_ip": "(ip_address)"}


def _indexes(schema_editor) -> dict[str, str]:
    vendor = schema_editor.connection.vendor
    return {"postgresql": POSTGRESQL_INDEXES, "sqlite": SQLITE_INDEXES}.get(vendor, {})


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR)
    # CONCURRENTLY: a site with many comments keeps taking them while the indexes build.
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, definition in _indexes(schema_editor).items():
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON django_comments {definition}"
        )


def indexes_drop(apps, schema_editor):
    for name in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE django_comments DROP COLUMN IF EXISTS parley_search_vector"
        )


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("comments", "0006_drop_bidi_controls")]

    operations = [migrations.RunPython(indexes_create, indexes_drop, elidable=False)]
