"""The embedded database's backend converts a query's placeholders once (answering as
Django's own SQLite backend does), and checkpoints its write-ahead log once a request is
answered, not inside a poster's commit."""

import re

import pytest
from django.db import connection

from articles.models import Article
from core.backends.sqlite3 import base

pytestmark = pytest.mark.sqlite


@pytest.mark.django_db
def test_a_repeated_query_is_converted_once_and_answers_as_before(monkeypatch):
    conversions = []
    pattern = base.base.FORMAT_QMARK_REGEX

    class Counting:
        def sub(self, replacement, query):
            conversions.append(query)
            return pattern.sub(replacement, query)

    base._qmark_style.cache_clear()
    monkeypatch.setattr(base.base, "FORMAT_QMARK_REGEX", Counting())
    query = "SELECT %s, '100%%', %s WHERE %s LIKE '%%s'"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(query, [1, "two", "x%s"])
            assert cursor.fetchone() == (1, "100%", "two")
    assert conversions == [query]
    # Named parameters go through Django's own conversion.
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(a)s", {"a": 2})
        assert cursor.fetchone() == (4,)
    Article.objects.filter(slug__in=["a", "b"]).count()
    assert any(re.search(r'"slug" IN \(%s, %s\)', sent) for sent in conversions)


@pytest.mark.django_db(transaction=True)
def test_the_log_is_checkpointed_once_a_request_is_answered_not_in_a_commit(client, monkeypatch):
    """A commit no longer copies the write-ahead log into the database at 1,000 pages (its
    poster waited for it); the log is checkpointed after an answer, once this connection has
    changed CHECKPOINT_AFTER_CHANGES rows, and a commit still does at WAL_BACKSTOP_PAGES."""
    monkeypatch.setattr(base, "CHECKPOINT_AFTER_CHANGES", 20)
    connection.close()
    connection.ensure_connection()
    sqlite = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (base.WAL_BACKSTOP_PAGES,)
    statements = []
    sqlite.set_trace_callback(statements.append)
    try:
        checkpoints = lambda: [s for s in statements if "wal_checkpoint" in s]  # noqa: E731
        for n in range(10):
            Article.objects.filter(pk=0).update(title=str(n))  # no row: no change counted
        Article.objects.bulk_create([Article(title=f"a{n}", slug=f"a-{n}") for n in range(15)])
        client.get("/healthz")
        assert checkpoints() == []  # 15 changes
        Article.objects.bulk_create([Article(title=f"b{n}", slug=f"b-{n}") for n in range(6)])
        assert checkpoints() == []  # not in a commit: once answered
        client.get("/healthz")
        assert checkpoints() == ["PRAGMA wal_checkpoint(PASSIVE)"]
        client.get("/healthz")
        assert len(checkpoints()) == 1
    finally:
        sqlite.set_trace_callback(None)


@pytest.mark.django_db(transaction=True)
def test_a_failed_checkpoint_is_logged_not_raised(caplog):
    """The checkpoint runs once the answer is sent (request_finished): a failure there is
    logged, and raises nothing into the response's close()."""
    import sqlite3

    class Failing:
        total_changes = base.CHECKPOINT_AFTER_CHANGES * 10

        def execute(self, sql):
            raise sqlite3.OperationalError("disk I/O error")

    connection.ensure_connection()
    kept = connection.connection
    connection.connection = Failing()
    try:
        base.wal_checkpoint_when_due()
    finally:
        connection.connection = kept
    assert "checkpoint of the write-ahead log failed" in caplog.text
