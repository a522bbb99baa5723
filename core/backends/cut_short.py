"""Turning autocommit back on rolls back a transaction that was cut short.

An atomic block ends by committing or rolling back, then turns autocommit back on. An
exception raised inside that commit or rollback before it reaches the database leaves the
transaction open: a worker's time limit is a signal, and Celery raises SoftTimeLimitExceeded
wherever the process happens to be. Turning autocommit on then goes wrong on both databases:
- Python's sqlite3 commits the open transaction, so rows that were being rolled back are
  stored.
- psycopg refuses ("connection in transaction status INTRANS"). Every write after that joins
  a transaction nobody ends, and it is lost when the connection closes: an import struck
  there would record its failure into that transaction and be left "running" (the state a
  CI run ended in, reached there by another path: transfer/services/storing.py's wait).

Nothing else reaches this point with a transaction still open, so one found here was cut
short. It is rolled back, and the callbacks waiting for it to commit are dropped with it.
The exception that cut it short carries on to the caller.
"""

import logging

from django.db import DatabaseError

logger = logging.getLogger(__name__)


class CutShortRolledBack:
    """Mixed into a backend's DatabaseWrapper, which says whether a transaction is open."""

    def _transaction_open(self) -> bool:
        raise NotImplementedError

    def _set_autocommit(self, autocommit):
        if autocommit and self.connection is not None and self._transaction_open():
            logger.warning("A transaction cut short in its commit or rollback is rolled back")
            self.run_on_commit = []
            try:
                with self.wrap_database_errors:
                    self.connection.rollback()
            except DatabaseError:
                # PostgreSQL, a statement sent and its answer not read: the connection is
                # closed, and the database ends the transaction as that statement leaves it
                # (a COMMIT already sent may still commit). The next query opens a fresh
                # connection, in autocommit.
                self.close()
                return
        super()._set_autocommit(autocommit)
