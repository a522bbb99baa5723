"""Ids for imported comments, handed out ahead of their rows: a batch's rows are then built
without asking the database, and written straight to SQL (storing.py)."""

from contextlib import contextmanager

from django.db import connection, transaction
from django_comments.models import Comment as BaseComment

from ..selectors import comment_id_last_used

# Ids reserved at least this many at a time on PostgreSQL (one round trip a batch).
BATCH = 5000


class CommentIds:
    """New ids for django_comments, handed out ahead of the rows, never one used before (a
    browser's list of its own comments must not come to name someone else's). Inside the
    import's transaction: PostgreSQL's sequence hands them out; on SQLite the transaction
    holds the write lock, so counting on from the highest id ever used is safe.

    A Parley backup that names the highest id its site used (`kept_up_to`) has its comments
    keep their ids where this site never used them: a browser's list, signed with the same
    secret, then still names its own comments. Fresh ids then start above `kept_up_to`, so
    they never meet a kept one."""

    def __init__(self, *, kept_up_to: int | None = None):
        self.pool: list[int] = []
        self.next_sqlite: int | None = None
        self.sequence: str | None = None
        self.kept_up_to = kept_up_to
        # The highest id this site used before the import: only ids above it may be kept.
        self.used_up_to: int | None = None

    def short_of(self, n: int) -> bool:
        """Whether taking n ids asks the database."""
        if connection.vendor != "postgresql":
            return self.next_sqlite is None
        return self.used_up_to is None or len(self.pool) < n

    def reserve(self, n: int) -> None:
        """Make sure n ids can be taken without asking the database."""
        if connection.vendor != "postgresql":
            if self.next_sqlite is None:
                self.used_up_to = comment_id_last_used()
                self.next_sqlite = max(self.used_up_to, self.kept_up_to or 0) + 1
                if self.kept_up_to and self.kept_up_to > self.used_up_to:
                    self._sqlite_skip_to(self.kept_up_to)
            return
        if self.used_up_to is None:
            self.used_up_to = self._postgresql_start()
        if len(self.pool) < n:
            self.pool += self._postgresql_reserve(max(n - len(self.pool), BATCH))

    def take(self, backup_ids: list[int | None]) -> list[int]:
        """An id for each comment: its id in the backup (None: it has none) where it may
        keep it, else a fresh one."""
        self.reserve(len(backup_ids))
        low, high = self.used_up_to, self.kept_up_to or 0
        # A backup's ids are its comments' source ids, unique in the file (storing them
        # twice fails the import), so two comments never keep the same id.
        kept = [backup_id if low < (backup_id or 0) <= high else None for backup_id in backup_ids]
        fresh = iter(self._fresh(kept.count(None)))
        return [pk if pk is not None else next(fresh) for pk in kept]

    def _fresh(self, n: int) -> list[int]:
        if connection.vendor != "postgresql":
            first, self.next_sqlite = self.next_sqlite, self.next_sqlite + n
            return list(range(first, first + n))
        taken, self.pool = self.pool[:n], self.pool[n:]
        return taken

    def _postgresql_start(self) -> int:
        """The highest id used here so far. With ids to keep, the sequence is moved past them
        first, while nothing else can take an id from it (_others_held_off)."""
        table = BaseComment._meta.db_table
        with connection.cursor() as cursor:
            # Once: as an argument of nextval() it would be looked up again for every id.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            self.sequence = cursor.fetchone()[0]
            # Every id is taken from the sequence under a lock on the table: a post's INSERT
            # takes this one, and so, from here on, does this import's nextval().
            cursor.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            if not self.kept_up_to:
                return 0  # nothing is kept: the sequence alone hands out every id
            with _others_held_off(cursor, table):
                # nextval() hands this import an id no one else gets, so only those below it
                # were used; ids stored without the sequence (a restore's kept ones) count
                # too. A comment posted between it and setval() would take the next id,
                # which the backup may keep: hence the lock.
                cursor.execute(
                    "WITH start AS MATERIALIZED (SELECT GREATEST(nextval(%s::regclass) - 1, "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table})) AS used) "
                    "SELECT used, setval(%s::regclass, GREATEST(used, %s)) FROM start",
                    [self.sequence, self.sequence, self.kept_up_to],
                )
                return cursor.fetchone()[0]

    @staticmethod
    def _sqlite_skip_to(last: int) -> None:
        """Count the backup's ids as used here: a comment posted later must not take one its
        site deleted, which a browser's list may still name."""
        table = BaseComment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])

    def _postgresql_reserve(self, n: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, n]
            )
            return [row[0] for row in cursor.fetchall()]


@contextmanager
def _others_held_off(cursor, table: str):
    """Hold off every other taker of comment ids (posts, other imports) while inside.

    The lock conflicts with the ROW EXCLUSIVE one each of them holds while it takes ids, so
    it waits for those under way (to its end, for another import) and makes new ones wait
    at their INSERT. It is held for one statement, not for the rest of the import: taken in
    a savepoint and let go by rolling back to it, which keeps what nextval() and setval()
    did (a sequence is never rolled back), so posts wait a moment, not for the restore.
    No deadlock in practice: comment_submit locks its article or thread row before its
    INSERT, and the posts waited for here are past it, needing no lock this import holds
    (it has stored no comment yet); were one ever to wait on it, PostgreSQL fails one."""
    savepoint = transaction.savepoint()
    try:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
        transaction.savepoint_commit(savepoint)  # released: it is not used again
