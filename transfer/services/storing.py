"""Placed comments written in batches.

A Parley comment is three rows: django_comments' row, xtd's and Parley's own (multi-table
inheritance), which bulk_create refuses; so they go straight to SQL (sql_rows.py), with ids
reserved up front. On PostgreSQL a batch is written by a thread of its own while the next
one is built: the database's index upkeep and Python's work then overlap."""

import contextlib
import functools
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from ipaddress import IPv4Address, IPv6Address

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from comments.models_votes import Vote
from comments.services import (
    comment_text_fields,
    comment_text_fields_from_html,
    thread_recount,
    thread_renumber,
)
from core.accounts import COMMENT_NAME_MAX_LENGTH
from core.http import ip_address_parsed
from core.keys import author_key_for
from core.text import one_line

from ..models import SourceRecord
from ..records import CommentRecord
from .comment_ids import CommentIds
from .placing import Placed, Placement
from .sql_rows import rows_write, table_for, tables_analyse

# Where new replies in a stored thread wait for thread_renumber (xtd's order is 32-bit).
PROVISIONAL_ORDER = 1_000_000_000
IPAddress = IPv4Address | IPv6Address
# The columns each table's rows bring, in order (sql_rows gives the others their defaults).
BASE_COLUMNS = (
    "id", "content_type_id", "object_pk", "site_id", "user_id", "user_name", "user_email",
    "user_url", "comment", "submit_date", "ip_address", "is_public", "is_removed",
)  # fmt: skip
XTD_COLUMNS = (
    "comment_ptr_id", "thread_id", "parent_id", "level", "order", "followup", "nested_count",
)  # fmt: skip
COMMENT_COLUMNS = (
    "xtdcomment_ptr_id", "article_id", "status", "comment_html", "text_hash", "user_agent",
    "status_changed_at", "author_key", "submission_meta", "edited_at", "picked_at",
    "picked_by_id", "upvotes", "downvotes", "best_score",
)  # fmt: skip
RECORD_COLUMNS = ("source", "kind", "source_id", "object_id", "run_id", "url")
VOTE_COLUMNS = (
    "comment_id", "voter_key", "address_key", "value", "created_at", "updated_at",
)  # fmt: skip
THREAD_COLUMNS = ("root_id", "article_id", "listed", "published_count", "last_published_at")
# The tables, in the order they are written: each one's rows point at rows of the one before.
TABLES = (
    (BaseComment, BASE_COLUMNS), (XtdComment, XTD_COLUMNS), (Comment, COMMENT_COLUMNS),
    (SourceRecord, RECORD_COLUMNS), (Thread, THREAD_COLUMNS), (Vote, VOTE_COLUMNS),
)  # fmt: skip


def _ip(value: str | None, warn: Callable[[str], None], source_id: str) -> IPAddress | None:
    """The address as an address object (binary COPY takes it so; sql_rows spells it for
    SQLite, as core.http.ip_address_normalised would)."""
    if not value:
        return None
    address = _address(value)
    if address is None:
        warn(f"comment {source_id}: IP address {value!r} is not one; left empty")
    return address


# Parsing costs 10 µs in pure Python, and an export's commenters come back again and again
# from the same addresses (the objects are immutable, so they can be shared).
_address = functools.lru_cache(maxsize=1 << 16)(ip_address_parsed)


def _author_key(record: CommentRecord, user_id: int | None) -> str:
    # A guest's proof of their address for the comment comes across from a JSON backup;
    # reply emails to a guest's address ask for it (readers.selectors.reply_address).
    proven = record.author_email.strip() if record.email_proven else ""
    return author_key_for(user_id=user_id, verified_email=proven)


def comment_text_prepare(record: CommentRecord) -> dict[str, str]:
    """The stored forms of a record's words (the costly part of storing it; pure, so a
    reading thread can do it ahead)."""
    if record.markdown is not None:
        return comment_text_fields(record.markdown)
    return comment_text_fields_from_html(record.html)


class CommentBuffer:
    """Placed comments waiting to be written: the caller adds a batch of groups, then
    flushes them without waiting while it looks up and builds the next batch."""

    def __init__(self, *, source: str, run_id: int | None, user_ids: dict[str, int],
                 warn: Callable[[str], None], kept_up_to: int | None = None):  # fmt: skip
        self.source, self.run_id, self.user_ids, self.warn = source, run_id, user_ids, warn
        self.ids = CommentIds(kept_up_to=kept_up_to)
        self.content_type_id = ContentType.objects.get_for_model(Article).pk
        self.site_id = settings.SITE_ID
        # Rows waiting, one list per table, their values in the order of its *_COLUMNS.
        self.rows: dict[type, list[tuple]] = _no_rows()
        self.stored_threads: set[int] = set()
        # PostgreSQL: one thread writes a batch on the import's connection while the next
        # is built (psycopg serialises the connection's use, so nothing interleaves).
        self.writer = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-import-writer")
            if connection.vendor == "postgresql"
            else None
        )
        self.writing: Future | None = None
        self.analysing: Future | None = None
        self.closed = False

    def reserve(self, n: int) -> None:
        """Take n new ids from the database now, so adding that many comments needs none."""
        self.wait()
        self.ids.reserve(n)

    def add(self, *, article: Article, placement: Placement) -> None:
        """Build the rows of a group's placed comments (no query when ids were reserved)."""
        nodes = placement.comments
        if self.ids.short_of(len(nodes)):
            self.wait()  # new ids come from the database
        pks = self.ids.take([_backup_id(node.record.source_id) for node in nodes])
        for node, pk in zip(nodes, pks, strict=True):
            node.pk = pk
        article_id, object_pk, content_type_id = article.pk, str(article.pk), self.content_type_id
        site_id, source, run_id, user_ids = self.site_id, self.source, self.run_id, self.user_ids
        bases, middles, leaves, records, threads, votes = self.rows.values()
        published, removed, comment_kind = (
            CommentStatus.PUBLISHED, CommentStatus.REMOVED, SourceRecord.Kind.COMMENT
        )  # fmt: skip
        for at, node in enumerate(nodes):
            record, parent, pk = node.record, node.parent, node.pk
            text = record.text_fields or comment_text_prepare(record)
            user_id = user_ids.get(record.user_source_id) if record.user_source_id else None
            status = record.status
            bases.append((
                pk, content_type_id, object_pk, site_id, user_id,
                one_line(record.author_name)[:COMMENT_NAME_MAX_LENGTH],
                record.author_email.strip()[:254], record.author_url.strip()[:200],
                text["comment"], record.submitted_at,
                _ip(record.ip_address, self.warn, record.source_id),
                status == published, status == removed,
            ))  # fmt: skip
            if node.root is not None:
                thread_id, order = node.root.pk, node.order
            else:
                thread_id, order = node.stored_thread_id, PROVISIONAL_ORDER + at
            middles.append((
                pk, thread_id, pk if parent is None else parent.pk, node.level, order,
                record.followup, node.nested_count,
            ))  # fmt: skip
            leaves.append((
                pk, article_id, status, text["comment_html"], text["text_hash"],
                # Its status is the one it had on the old site, since it was sent as far as
                # anyone can tell: not news now to an author's digest or the queue's tabs.
                record.user_agent[:300], record.submitted_at, _author_key(record, user_id), {},
                record.edited_at, record.picked_at,
                user_ids.get(record.picked_by_source_id) if record.picked_at else None,
                record.upvotes, record.downvotes, record.best_score,
            ))  # fmt: skip
            records.append((source, comment_kind, record.source_id, pk, run_id, ""))
            votes += [
                (pk, vote.voter_key, vote.address_key, vote.value,
                 vote.created_at or record.submitted_at,
                 vote.updated_at or vote.created_at or record.submitted_at)
                for vote in record.votes
            ]  # fmt: skip
        threads += _threads(article, nodes)
        self.stored_threads |= placement.stored_threads

    def wait(self) -> None:
        """Let the batch being written finish (raising what it raised): anything else that
        uses the connection calls this first."""
        writing = self.writing
        if writing is None:
            return
        try:
            with connection.wrap_database_errors:  # psycopg's errors as Django's
                writing.result()
        finally:
            # Forgotten once it has ended. A worker's time limit (a signal) can strike while
            # this waits, leaving the batch still writing; settle() must then wait for it
            # again. Forgotten at once, it went on writing on the connection after the
            # rollback, and its next statement began a transaction that nothing ended: the
            # run, recorded as failed inside that transaction, read "running" (CI, PostgreSQL).
            if writing.done():
                self.writing = None

    def flush(self, *, wait: bool = True) -> None:
        """Write what waits; threads that gained replies are then renumbered and recounted.
        With `wait` false the rows may still be on their way when this returns."""
        self.wait()
        rows, self.rows = self.rows, _no_rows()
        statements = [
            table_for(model, columns).prepared(rows[model])
            for model, columns in TABLES
            if rows[model]
        ]
        if not statements:
            return
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

    def settle(self) -> None:
        """Let the batch in flight end. After flush() nothing is; after an error it is let
        finish so the rollback can run, and the first error is the one told."""
        with contextlib.suppress(Exception):
            self.wait()

    def analyse_after_commit(self) -> None:
        """Once the import's transaction committed: fresh planner statistics, taken by the
        writing thread (on its own transaction) while the caller goes on; close() waits."""
        if self.writer is None or self.closed:
            tables_analyse()
            return
        self.analysing = self.writer.submit(tables_analyse, connection.connection)

    def close(self) -> None:
        """End the writing thread, once what it does is done (statistics that fail to be
        taken are no failure of the import: autovacuum takes them in time)."""
        self.settle()
        if self.analysing is not None:
            with contextlib.suppress(Exception):
                self.analysing.result()
        if self.writer is not None:
            self.writer.shutdown()
        self.closed = True


def _backup_id(source_id: str) -> int | None:
    """The comment's id on the exporting site, if its source id spells one (only a Parley
    backup's ids may be kept: CommentIds keeps none for other sources)."""
    # Spelt exactly as str(int) would, so that no two source ids give the same id.
    spelt_as_id = source_id.isascii() and source_id.isdigit() and source_id[0] != "0"
    return int(source_id) if spelt_as_id and len(source_id) <= 10 else None


def _no_rows() -> dict[type, list[tuple]]:
    return {model: [] for model, _ in TABLES}


def _threads(article: Article, nodes: Iterable[Placed]) -> list[tuple]:
    """A Thread row for each new thread, with the counts the article page reads."""
    published = CommentStatus.PUBLISHED
    # Values in the order of THREAD_COLUMNS: root, article, listed, published, last published.
    threads: dict[int, list] = {}
    for node in nodes:
        root = node.root
        if root is None:
            continue
        record = node.record
        if root is node:
            listed = record.status == published or node.nested_count > 0
            threads[node.pk] = [node.pk, article.pk, listed, 0, None]
        if record.status == published:
            thread = threads[root.pk]
            thread[3] += 1
            if thread[4] is None or record.submitted_at > thread[4]:
                thread[4] = record.submitted_at
    return [tuple(thread) for thread in threads.values()]
