"""The tables every post writes keep no index that no query needs: each costs a post a
B-tree update and, on SQLite, a page written to the log (comments 0016, moderation 0020)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment
from moderation.models import ModerationEvent, SpamVerdict

pytestmark = pytest.mark.django_db

UNUSED = {
    "django_comments": {"site_id", "content_type_id", "object_pk", "is_removed"},
    "django_comments_xtd_xtdcomment": {"thread_id", "order", "nested_count"},
    "moderation_moderationevent": {"comment_id"},
    "moderation_spamverdict": {"comment_id"},
}


def _indexes(table: str) -> dict[str, tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: tuple(found["columns"])
        for name, found in constraints.items()
        if found["index"] and not found["primary_key"]
    }


@pytest.mark.parametrize("table", sorted(UNUSED))
def test_no_index_on_a_column_alone_that_no_query_looks_up(table):
    alone = {columns[0] for columns in _indexes(table).values() if len(columns) == 1}
    assert not alone & UNUSED[table]


def test_the_lookups_they_served_lead_a_composite_index():
    composite = {
        columns for table in UNUSED for columns in _indexes(table).values() if len(columns) > 1
    }
    assert ("thread_id", "order") in composite
    assert ("comment_id", "created_at") in composite  # events and verdicts, newest first
    assert ("user_id",) in set(_indexes("django_comments").values())


@pytest.mark.sqlite
def test_sqlite_reads_a_thread_and_a_comments_records_through_their_composite_indexes():
    def plan(queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "xtdcomment_thread_order" in plan(Comment.objects.filter(thread_id=1))
    assert "event_comment_recent" in plan(ModerationEvent.objects.filter(comment_id=1))
    assert "verdict_comment_recent" in plan(SpamVerdict.objects.filter(comment_id=1))


@pytest.mark.django_db(transaction=True)
def test_unapplied_they_come_back_as_django_made_them_and_go_again():
    """Migrating back before comments 0016 and moderation 0020 makes every index again under
    Django's own name (PostgreSQL's LIKE copy of object_pk too); forward, they go again."""

    def named() -> dict[str, set[str]]:
        return {table: set(_indexes(table)) for table in UNUSED}

    after = named()
    executor = MigrationExecutor(connection)
    executor.migrate([("moderation", "0019_db_defaults_for_rolling_upgrades")])
    MigrationExecutor(connection).migrate([("comments", "0015_xtdcomment_thread_order_index")])
    try:
        before = named()
        for table, columns in UNUSED.items():
            alone = {cols[0] for cols in _indexes(table).values() if len(cols) == 1}
            assert columns <= alone, table
        assert ("django_comments_object_pk_7fc98e83_like" in before["django_comments"]) == (
            connection.vendor == "postgresql"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert named() == after
    assert all(before[table] > after[table] for table in UNUSED)
