"""Django's PostgreSQL backend, rolling back a transaction cut short in its own commit or
rollback instead of leaving it open (core/backends/cut_short.py)."""

from django.db.backends.postgresql import base
from psycopg import pq

from ..cut_short import CutShortRolledBack


class DatabaseWrapper(CutShortRolledBack, base.DatabaseWrapper):
    def _transaction_open(self) -> bool:
        return self.connection.info.transaction_status != pq.TransactionStatus.IDLE
