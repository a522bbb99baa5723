"""Placed comments written in batches, straight to SQL.

A Parley comment is three rows: django_comments' row, xtd's and Parley's own (multi-table
inheritance), which bulk_create refuses. Building model instances and letting the ORM
compile each value cost four times the database's own work, so the rows go in as tuples
through executemany, with ids reserved up front; the column lists come from the models, so
a new field is written with its default rather than missed."""

import ipaddress
import json
from collections.abc import Callable, Iterable
from operator import itemgetter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
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
from core.keys import author_key_for
from core.text import strip_control_characters

from ..models import SourceRecord
from ..records import CommentRecord
from .placing import Placed, Placement

BATCH = 5000
# Where new replies in a stored thread wait for thread_renumber (xtd's order is 32-bit).
PROVISIONAL_ORDER = 1_000_000_000


class _Table:
    """One model's own table: its columns, their defaults, and how each value is adapted."""

    def __init__(self, model: type[models.Model], *, ids_given: bool):
        # An auto-incremented id is left to the database unless the rows bring their own.
        self.fields = {
            field.attname: field
            for field in model._meta.local_concrete_fields
            if ids_given or not isinstance(field, AutoFieldMixin)
        }
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.plans: dict[tuple[str, ...], tuple] = {}

    def _plan(self, given: tuple[str, ...]) -> tuple:
        """For rows with these keys: how to pick their values, the defaults of the columns
        they leave out, the values to adapt, and the statement (made once per shape)."""
        if given not in self.plans:
            missing = [name for name in self.fields if name not in given]
            tail = tuple(_adapted(self.fields[n], self.fields[n].get_default()) for n in missing)
            adapt = [
                (at, self.fields[name]) for at, name in enumerate(given)
                if _needs_adapting(self.fields[name])
            ]  # fmt: skip
            quote = connection.ops.quote_name
            columns = ", ".join(quote(self.fields[n].column) for n in (*given, *missing))
            marks = ", ".join(["%s"] * len(self.fields))
            sql = (
                f"COPY {self.table} ({columns}) FROM STDIN"
                if connection.vendor == "postgresql"
                else f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608
            )
            pick = itemgetter(*given) if len(given) > 1 else (lambda row: (row[given[0]],))
            self.plans[given] = (pick, tail, adapt, sql)
        return self.plans[given]

    def insert(self, rows: list[dict]) -> None:
        """Write rows that all have the same keys (every row a buffer makes does)."""
        if not rows:
            return
        pick, tail, adapt, sql = self._plan(tuple(rows[0]))
        values = []
        for row in rows:
            picked = pick(row)
            if adapt:
                picked = list(picked)
                for at, field in adapt:
                    picked[at] = _adapted(field, picked[at])
            values.append((*picked, *tail))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: no statement to parse or plan per row, and no SQL text to build.
                with cursor.cursor.copy(sql) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                # SQLite runs in this process: one prepared statement, many rows.
                cursor.executemany(sql, values)


def _needs_adapting(field: models.Field) -> bool:
    """JSON goes as text; on SQLite datetimes go as Django stores them (psycopg takes aware
    datetimes as they are)."""
    return isinstance(field, models.JSONField) or (
        isinstance(field, models.DateTimeField) and connection.vendor != "postgresql"
    )


def _adapted(field: models.Field, value):
    """A value as the database driver takes it."""
    if value is None or not _needs_adapting(field):
        return value
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return connection.ops.adapt_datetimefield_value(value)


_tables: dict[tuple[type, bool], _Table] = {}


def _table(model: type[models.Model], *, ids_given: bool = False) -> _Table:
    key = (model, ids_given)
    if key not in _tables:
        _tables[key] = _Table(model, ids_given=ids_given)
    return _tables[key]


class _Ids:
    """New ids for django_comments, handed out ahead of the rows, never one used before (a
    browser's list of its own comments must not come to name someone else's). Inside the
    import's transaction: PostgreSQL's sequence hands them out; on SQLite the transaction
    holds the write lock, so counting on from the highest id ever used is safe."""

    def __init__(self):
        self.pool: list[int] = []
        self.next_sqlite: int | None = None

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
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        warn(f"comment {source_id}: IP address {value!r} is not one; left empty")
        return None


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

    def add(self, *, article: Article, placement: Placement) -> None:
        nodes = placement.comments
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
            self.flush()

    def flush(self) -> None:
        """Write what waits; threads that gained replies are then renumbered and recounted."""
        for model, rows in self.rows.items():
            if rows:
                _table(model, ids_given=model is BaseComment).insert(rows)
                rows.clear()
        if self.records:
            _table(SourceRecord).insert(self.records)
            self.records.clear()
        if self.threads:
            _table(Thread).insert(self.threads)
            self.threads.clear()
        for thread_id in sorted(self.stored_threads):
            thread_renumber(thread_id=thread_id)
            thread_recount(thread_id=thread_id)
        self.stored_threads.clear()
        self.written += self.pending
        self.pending = 0
        if self.written >= self.analysed * 2 + BATCH:
            tables_analyse()
            self.analysed = self.written


def tables_analyse() -> None:
    """Fresh planner statistics for the tables an import fills. Inside the import's
    transaction PostgreSQL counts its own new rows, and without this the planner goes on
    believing the tables are as small as they were, scanning them whole for every lookup."""
    if connection.vendor != "postgresql":
        return
    tables = (SourceRecord, BaseComment, XtdComment, Comment, Thread)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(t._meta.db_table for t in tables))


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
