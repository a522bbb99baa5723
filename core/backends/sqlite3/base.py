"""Django's SQLite backend, with each query's placeholders converted once.

Django writes SQL with %s placeholders and its SQLite cursor turns them into sqlite3's ?
with a regular expression on every execute: about 5 µs for a statement of a few hundred
characters, 12 times per comment posted and on every query of a page. The SQL of a query
repeats (the ORM builds the same text for the same query, and core.db compiles the hot ones
once), so the converted text is kept, keyed by the text itself.
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

# SQL with values in its text (long IN lists) does not repeat; the rest fits many times over.
CONVERTED_KEPT = 1024


@lru_cache(maxsize=CONVERTED_KEPT)
def _qmark_style(query: str) -> str:
    # SQLiteCursorWrapper.convert_query's "format" branch.
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark_style(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
