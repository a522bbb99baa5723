"""Django's SQLite backend, with each query's placeholders converted once, the write-ahead
log copied into the database once a request is answered, and a transaction cut short in its
own commit or rollback rolled back rather than committed (core/backends/cut_short.py).

Django writes SQL with %s placeholders and its SQLite cursor turns them into sqlite3's ?
with a regular expression on every execute: about 5 µs for a statement of a few hundred
characters, 12 times per comment posted and on every query of a page. The SQL of a query
repeats (the ORM builds the same text for the same query, and core.db compiles the hot ones
once), so the converted text is kept, keyed by the text itself.
"""

import logging
from functools import lru_cache

from django.db import connections
from django.db.backends.sqlite3 import base

from ..cut_short import CutShortRolledBack

logger = logging.getLogger(__name__)

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


# SQLite copies its write-ahead log into the database (a checkpoint) inside the commit that
# takes the log past wal_autocheckpoint pages, 1,000 by default: every 40th post or so, its
# poster waited while a thousand pages were copied. A process here checkpoints once a request
# has been answered (wal_checkpoint_when_due, on request_finished), after it has changed
# CHECKPOINT_AFTER_CHANGES rows since its last one (about 30 posts). The commit's own
# checkpoint stays, further off, for what writes without answering requests (commands, a
# Celery worker): the log is never left to grow.
CHECKPOINT_AFTER_CHANGES = 300
WAL_BACKSTOP_PAGES = 4000


class DatabaseWrapper(CutShortRolledBack, base.DatabaseWrapper):
    _changes_checkpointed = 0

    def _transaction_open(self) -> bool:
        return self.connection.in_transaction

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES}")
        self._changes_checkpointed = 0
        return connection

    def wal_checkpoint_when_due(self) -> None:
        """Checkpoint the log if this connection changed enough rows since its last one.

        PASSIVE: it copies what no reader still needs and waits for nobody."""
        connection = self.connection
        if connection is None or self.in_atomic_block:
            return
        changes = connection.total_changes
        if changes - self._changes_checkpointed >= CHECKPOINT_AFTER_CHANGES:
            self._changes_checkpointed = changes
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except base.Database.Error:
                # The answer is sent and nothing was lost: the next one, or the commit's
                # own checkpoint, copies the log.
                logger.warning("A checkpoint of the write-ahead log failed", exc_info=True)


def wal_checkpoint_when_due(**kwargs) -> None:
    """request_finished: sent once the answer's bytes are written (the response's close())."""
    for connection in connections.all(initialized_only=True):
        if isinstance(connection, DatabaseWrapper):
            connection.wal_checkpoint_when_due()
