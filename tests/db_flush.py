"""A cheaper flush between transactional tests, on PostgreSQL above all.

A test that commits for real (live_server, browser tests, workers, the concurrency tests)
leaves the database to Django's flush. About 300 tests do, and their flush was half of CI's
PostgreSQL run:
- On PostgreSQL flush is one TRUNCATE of every table. TRUNCATE gives each of the ~50 tables
  new files and drops the old ones: 1.2 to 2 s here for tables holding a few rows, against
  0.1 s to DELETE them. So it DELETEs. The order does not matter: every foreign key Django
  makes there is DEFERRABLE INITIALLY DEFERRED (SET CONSTRAINTS also covers any that is
  merely deferrable), so they are checked at the commit of flush's one transaction, when
  every table is empty. No table has a trigger that a DELETE would fire and a TRUNCATE not.
  Neither resets sequences unless asked (then the TRUNCATE ... RESTART IDENTITY is kept).
- On both databases, content types and permissions are kept. They are what the models are,
  not what a test wrote, and flush's post_migrate made them again row by row, which then
  took most of a teardown. It still runs (the groups and the site are made again) and finds
  them there, as Django's TestCase, rolled back instead of flushed, keeps them too.
"""

# Through the backends' wrappers: their operations modules cannot be imported first.
from django.db.backends.postgresql.base import DatabaseWrapper as _PostgreSQLWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as _SQLiteWrapper

PostgreSQL, SQLite = _PostgreSQLWrapper.ops_class, _SQLiteWrapper.ops_class

_KEPT = frozenset({"django_content_type", "auth_permission"})
_postgresql_flush, _sqlite_flush = PostgreSQL.sql_flush, SQLite.sql_flush


def _postgresql_deleting(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    tables = [table for table in tables if table not in _KEPT]
    if reset_sequences or not tables:
        return _postgresql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    delete = style.SQL_KEYWORD("DELETE FROM")
    return [
        "SET CONSTRAINTS ALL DEFERRED;",
        *(f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables),
    ]


def _sqlite_keeping(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    return _sqlite_flush(
        self,
        style,
        [table for table in tables if table not in _KEPT],
        reset_sequences=reset_sequences,
        allow_cascade=allow_cascade,
    )


def flush_made_cheap() -> None:
    """Make Django's flush, and so every transactional test's teardown, as above."""
    PostgreSQL.sql_flush = _postgresql_deleting
    SQLite.sql_flush = _sqlite_keeping
