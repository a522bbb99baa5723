"""Placed comments written in batches.

A Parley comment is three rows: django_comments' row, xtd's and Parley's own (multi-table
inheritance), which bulk_create refuses; so they go straight to SQL (sql_rows.py), with ids
reserved up front. On PostgreSQL a batch is written by a thread of its own while the next
one is built: the database's index upkeep and Python's work then overlap."""

import contextlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from comments.services import (
    comment_text_fields,
    comment_text_fields_from_html,
    thread_recount,
    thread_renumber,
)
from core.http import ip_address_normalised
from core.keys import author_key_for
from core.text import strip_control_characters

from ..models import SourceRecord
from ..records import CommentRecord
from .placing import Placed, Placement
from .sql_rows import rows_write, table_for, tables_analyse

BATCH = 5000
# Where new replies in a stored thread wait for thread_renumber (xtd's order is 32-bit).
PROVISIONAL_ORDER = 1_000_000_000


class _Ids:
    """New ids for django_comments, handed out ahead of the rows, never one used before (a
    browser's list of its own comments must not come to name someone else's). Inside the
    import's transaction: PostgreSQL's sequence hands them out; on SQLite the transaction
    holds the write lock, so counting on from the highest id ever used is safe."""

    def __init__(self):
        self.pool: list[int] = []
        self.next_sqlite: int | None = None

    def short_of(self, n: int) -> bool:
        """Whether taking n ids asks the database."""
        if connection.vendor != "postgresql":
            return self.next_sqlite is None
        return len(self.pool) < n

    def take(self, n: int) -> list[int]:
        if connection.vendor != "postgresql":
            if self.next_sqlite is None:
                self.next_sqlite = self._sqlite_last() + 1
            first, self.next_sqlite = self.next_sqlite, self.next_sqlite + n
            return list(range(first, first + n))
        if len(self.pool) < n:
            self.pool += self._postgresql_reserve(max(n - len(self.pool), BATCH))
        taken, self.pool = self.pool[:n], self.pool[n:]
        return taken

    @staticmethod
    def _postgresql_reserve(n: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [BaseComment._meta.db_table, n],
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


def _ip(value: str | None, warn: Callable[[str], None], source_id: str) -> str | None:
    if not value:
        return None
    address = ip_address_normalised(value)
    if address is None:
        warn(f"comment {source_id}: IP address {value!r} is not one; left empty")
    return address


def comment_text_prepare(record: CommentRecord) -> dict[str, str]:
    """The stored forms of a record's words (the costly part of storing it; pure, so a
    reading thread can do it ahead)."""
    if record.markdown is not None:
        return comment_text_fields(record.markdown)
    return comment_text_fields_from_html(record.html)


class CommentBuffer:
    """Placed comments waiting to be written, a few thousand rows per statement whatever
    the size of each article's group."""

    def __init__(self, *, source: str, run_id: int | None, user_ids: dict[str, int],
                 warn: Callable[[str], None]):  # fmt: skip
        self.source, self.run_id, self.user_ids, self.warn = source, run_id, user_ids, warn
        self.ids = _Ids()
        self.content_type_id = ContentType.objects.get_for_model(Article).pk
        self.rows: dict[type, list[dict]] = {m: [] for m in (BaseComment, XtdComment, Comment)}
        self.records: list[dict] = []
        self.threads: list[dict] = []
        self.stored_threads: set[int] = set()
        # Rows written so far and when statistics were last taken (doubling: a few ANALYZEs).
        self.pending = self.written = self.analysed = 0
        # PostgreSQL: one thread writes a batch on the import's connection while the next
        # is built (psycopg serialises the connection's use, so nothing interleaves).
        self.writer = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-import-writer")
            if connection.vendor == "postgresql"
            else None
        )
        self.writing: Future | None = None

    def add(self, *, article: Article, placement: Placement) -> None:
        nodes = placement.comments
        if self.ids.short_of(len(nodes)):
            self.wait()  # new ids come from the database
        for node, pk in zip(nodes, self.ids.take(len(nodes)), strict=True):
            node.pk = pk
        now = timezone.now()
        bases, middles, leaves = (self.rows[m] for m in (BaseComment, XtdComment, Comment))
        for at, node in enumerate(nodes):
            record, parent = node.record, node.parent
            text = record.text_fields or comment_text_prepare(record)
            user_id = self.user_ids.get(record.user_source_id) if record.user_source_id else None
            bases.append({
                "id": node.pk, "content_type_id": self.content_type_id,
                "object_pk": str(article.pk), "site_id": settings.SITE_ID, "user_id": user_id,
                "user_name": strip_control_characters(record.author_name)[:50],
                "user_email": record.author_email.strip()[:254],
                "user_url": record.author_url.strip()[:200], "comment": text["comment"],
                "submit_date": record.submitted_at,
                "ip_address": _ip(record.ip_address, self.warn, record.source_id),
                "is_public": record.status == CommentStatus.PUBLISHED,
                "is_removed": record.status == CommentStatus.REMOVED,
            })  # fmt: skip
            if node.root is not None:
                thread_id, order = node.root.pk, node.order
            else:
                thread_id, order = node.stored_thread_id, PROVISIONAL_ORDER + at
            middles.append({
                "comment_ptr_id": node.pk, "thread_id": thread_id,
                "parent_id": node.pk if parent is None else parent.pk, "level": node.level,
                "order": order, "followup": False, "nested_count": node.nested_count,
            })  # fmt: skip
            leaves.append({
                "xtdcomment_ptr_id": node.pk, "article_id": article.pk, "status": record.status,
                "comment_html": text["comment_html"], "text_hash": text["text_hash"],
                "user_agent": record.user_agent[:300], "status_changed_at": now,
                "author_key": author_key_for(user_id=user_id), "submission_meta": {},
                "edited_at": record.edited_at,
            })  # fmt: skip
            self.records.append({
                "source": self.source, "kind": SourceRecord.Kind.COMMENT,
                "source_id": record.source_id, "object_id": node.pk, "run_id": self.run_id,
            })  # fmt: skip
        self.pending += len(nodes)
        self.threads += _threads(article, nodes)
        self.stored_threads |= placement.stored_threads
        if len(bases) >= BATCH:
            self.flush(wait=False)

    def wait(self) -> None:
        """Let the batch being written finish (raising what it raised): anything else that
        uses the connection calls this first."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            with connection.wrap_database_errors:  # psycopg's errors as Django's
                writing.result()

    def flush(self, *, wait: bool = True) -> None:
        """Write what waits; threads that gained replies are then renumbered and recounted.
        With `wait` false the rows may still be on their way when this returns."""
        self.wait()
        if self.written >= self.analysed * 2 + BATCH:
            tables_analyse()
            self.analysed = self.written
        statements = []
        for model, rows in self.rows.items():
            if rows:
                statements.append(table_for(model, ids_given=model is BaseComment).prepared(rows))
                rows.clear()
        for model, rows in ((SourceRecord, self.records), (Thread, self.threads)):
            if rows:
                statements.append(table_for(model).prepared(rows))
                rows.clear()
        self.written += self.pending
        self.pending = 0
        raw = connection.connection
        if self.writer is not None and not wait and not self.stored_threads:
            self.writing = self.writer.submit(rows_write, raw, statements)
            return
        with connection.wrap_database_errors:
            rows_write(raw, statements)
        for thread_id in sorted(self.stored_threads):
            thread_renumber(thread_id=thread_id)
            thread_recount(thread_id=thread_id)
        self.stored_threads.clear()

    def close(self) -> None:
        """End the writing thread. After finish() nothing is in flight; after an error the
        batch is let finish so the rollback can run, and the first error is the one told."""
        with contextlib.suppress(Exception):
            self.wait()
        if self.writer is not None:
            self.writer.shutdown()


def _threads(article: Article, nodes: Iterable[Placed]) -> list[dict]:
    """A Thread row for each new thread, with the counts the article page reads."""
    threads: dict[int, dict] = {}
    for node in nodes:
        root = node.root
        if root is None:
            continue
        if root is node:
            threads[node.pk] = {
                "root_id": node.pk, "article_id": article.pk,
                "listed": node.record.status == CommentStatus.PUBLISHED or node.nested_count > 0,
                "published_count": 0, "last_published_at": None,
            }  # fmt: skip
        if node.record.status == CommentStatus.PUBLISHED:
            thread = threads[root.pk]
            thread["published_count"] += 1
            submitted, last = node.record.submitted_at, thread["last_published_at"]
            if last is None or submitted > last:
                thread["last_published_at"] = submitted
    return list(threads.values())
