"""One import at a time: a second import started while one is writing waits for it to end,
then finds the rows it stored and adds only what is new.

Side by side, both would read the site before either had committed: on PostgreSQL the
second then collided with the first's uncommitted rows (its author's username, its
comments' source ids) and failed, blamed on its file; on SQLite it gave up after the 20 s a
request waits for the write lock, with "database is locked"."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection

from ..models import ImportRun
from ..selectors import import_run_running

# PostgreSQL's advisory lock key for imports: any constant the site uses for nothing else.
IMPORT_LOCK = 0x7061726C  # "parl"


@contextmanager
def import_waits_for_others() -> Iterator[None]:
    """Inside, the connection waits for another writer for as long as an import may run.
    SQLite's write lock is the database's own: the import's every write, its run's row
    first, queues on its busy timeout, which is raised here and set back after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.PARLEY_IMPORT_SECONDS * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def import_lock_take() -> None:
    """Wait for any other import's transaction to end; held until this one's ends. Call
    first inside the import's transaction. (SQLite's IMMEDIATE transaction already holds
    the database's one write lock from its start.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def import_lock_held() -> bool:
    """Whether another import holds imports' lock now, asked without waiting for it. On
    SQLite that lock is the database's one write lock, which any writer holds for a moment:
    only with an import said to be running is it taken for one (import_run_writing)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = 0 AND objid = %s AND pid <> pg_backend_pid())",
                [IMPORT_LOCK],
            )
            return cursor.fetchone()[0]
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return False
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except OperationalError:
            return True
        else:
            cursor.execute("ROLLBACK")
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def import_run_writing(*, excluding: int | None = None) -> ImportRun | None:
    """The other import writing now, which one more would wait for; None when none is."""
    if not import_lock_held():
        return None
    return import_run_running(excluding=excluding)


def writes_wait_for_imports() -> bool:
    """Whether every write to the site, not only another import, waits while an import
    writes: SQLite has one write lock, held by the import's transaction to its end."""
    return connection.vendor == "sqlite"
