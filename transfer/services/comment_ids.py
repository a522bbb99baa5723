"""Ids for imported comments, handed out ahead of their rows: a batch's rows are then built
without asking the database, and written straight to SQL (storing.py)."""

from django.db import connection
from django_comments.models import Comment as BaseComment

# Ids reserved at least this many at a time on PostgreSQL (one round trip a batch).
BATCH = 5000


class CommentIds:
    """New ids for django_comments, handed out ahead of the rows, never one used before (a
    browser's list of its own comments must not come to name someone else's). Inside the
    import's transaction: PostgreSQL's sequence hands them out; on SQLite the transaction
    holds the write lock, so counting on from the highest id ever used is safe."""

    def __init__(self):
        self.pool: list[int] = []
        self.next_sqlite: int | None = None
        self.sequence: str | None = None

    def short_of(self, n: int) -> bool:
        """Whether taking n ids asks the database."""
        if connection.vendor != "postgresql":
            return self.next_sqlite is None
        return len(self.pool) < n

    def reserve(self, n: int) -> None:
        """Make sure n ids can be taken without asking the database."""
        if connection.vendor != "postgresql":
            if self.next_sqlite is None:
                self.next_sqlite = self._sqlite_last() + 1
        elif len(self.pool) < n:
            self.pool += self._postgresql_reserve(max(n - len(self.pool), BATCH))

    def take(self, n: int) -> list[int]:
        self.reserve(n)
        if connection.vendor != "postgresql":
            first, self.next_sqlite = self.next_sqlite, self.next_sqlite + n
            return list(range(first, first + n))
        taken, self.pool = self.pool[:n], self.pool[n:]
        return taken

    def _postgresql_reserve(self, n: int) -> list[int]:
        with connection.cursor() as cursor:
            if self.sequence is None:
                # Once: as an argument of nextval() it would be looked up again for every id.
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, 'id')", [BaseComment._meta.db_table]
                )
                self.sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, n]
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _sqlite_last() -> int:
        table = BaseComment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(seq) FROM (SELECT MAX(id) AS seq FROM {table} UNION ALL "  # noqa: S608
                "SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
            return cursor.fetchone()[0] or 0
