"""What a reader yields, stored: its users as they come, its articles' groups (updates,
followers and comments) a batch at a time, with every lookup a batch needs made first."""

from collections.abc import Iterable

from django.db import transaction

from articles.models import Article
from articles.services import pages_refresh
from comments.models import Comment
from comments.services import (
    articles_comment_count_recount,
    max_level,
)

from ..models import SourceRecord
from ..records import ArticleGroup, ArticleRecord, AuthorRecord, CommentRecord
from ..selectors import comments_present, source_records_find
from .article_parts import follows_store, updates_store
from .matching import articles_match, user_found, user_match
from .placing import StoredParent, comments_place
from .read_ahead import PrepareFlag
from .recognising import comments_recognise
from .report import ImportReport
from .sql_rows import tables_analyse
from .storing import CommentBuffer

LOOKUP_CHUNK = 5000
GROUPS_PER_BATCH = 50  # articles resolved together


class ImportWriter:
    """Stores what a reader yields, remembering the users and articles it has met."""

    def __init__(
        self,
        *,
        run_id: int,
        report: ImportReport,
        grants_roles: bool = True,
        comment_term: str = "comment",
    ):
        self.run_id = run_id
        self.report = report
        self.grants_roles = grants_roles
        self.comment_term = comment_term  # the file's word for a comment, in warnings
        self.user_ids: dict[str, int] = {}
        self.user_logins: dict[str, int] = {}
        # Authors met but not yet needed, by source id, and their source ids by login.
        self.authors_waiting: dict[str, AuthorRecord] = {}
        self.logins_waiting: dict[str, str] = {}
        self.touched: dict[int, str] = {}  # article pk -> slug, to recount and refresh
        self.max_level = max_level()
        self.buffer: CommentBuffer | None = None
        # Set while groups bring new comments: the reader prepares their words.
        self.prepare = PrepareFlag()
        self.pending: list[ArticleGroup] = []
        self.pending_comments = 0
        self.source = ""
        self.kept_up_to: int | None = None  # a backup's comments keep ids up to this

    def author(self, record: AuthorRecord, *, source: str) -> None:
        self._groups_store()  # the groups before it may not name this author
        self._connection_free()
        if record.groups is None and not user_found(record=record, source=source):
            # A WordPress author who is nobody here yet gets an account only once something
            # new in the file is theirs: a site's own export imported again names authors
            # of articles that are here already, and left an empty "editor-2" for each.
            self.authors_waiting[record.source_id] = record
            self.logins_waiting[record.login] = record.source_id
            return
        self._author_store(record, source=source)

    def _author_store(self, record: AuthorRecord, *, source: str) -> None:
        pk, how = user_match(
            record=record, source=source, run_id=self.run_id, grants_roles=self.grants_roles
        )
        self.user_ids[record.source_id] = pk
        self.user_logins[record.login] = pk
        self.report.count(self.report.users, how)
        if how == "created" and record.is_active and not record.email.strip():
            self.report.users_without_email += 1
        if how == "created" and not self.grants_roles and record.groups != []:
            self.report.roles_withheld += 1

    def group(self, group: ArticleGroup, *, source: str, kept_up_to: int | None = None) -> None:
        """Take a group; groups are stored a batch at a time (a few queries per batch)."""
        self.pending.append(group)
        self.source, self.kept_up_to = source, kept_up_to
        self.pending_comments += len(group.comments)
        if len(self.pending) >= GROUPS_PER_BATCH or self.pending_comments >= LOOKUP_CHUNK:
            self._groups_store()

    def _groups_store(self) -> None:
        groups, self.pending, self.pending_comments = self.pending, [], 0
        if not groups:
            return
        self._connection_free()
        matched = articles_match(
            records=[g.article for g in groups], source=self.source, run_id=self.run_id,
            user_ids=self.user_ids, user_logins=self.user_logins,
            authors_need=self._articles_authors_need,
        )  # fmt: skip
        for _, how in matched:
            self.report.count(self.report.articles, how)
        pairs = [(group, article) for group, (article, _) in zip(groups, matched, strict=True)]
        pks = [article.pk for _, article in pairs]
        if len(set(pks)) == len(pks) and self.touched.keys().isdisjoint(pks):
            self._comments_store(pairs)
            return
        # An article met before in this file: its comments so far must be findable first.
        for pair in pairs:
            if self.buffer is not None:
                self.buffer.flush()
            self._comments_store([pair])
            self.touched[pair[1].pk] = pair[1].slug

    def _comments_store(self, pairs: list[tuple[ArticleGroup, Article]]) -> None:
        """Store a batch of groups: first every query it needs, then the rows built before
        go to the database (in the writing thread) while this batch's are built in Python."""
        self._connection_free()
        report, source = self.report, self.source
        ids, parents = [], set()
        for group, _ in pairs:
            ids += [c.source_id for c in group.comments]
            # A reply in a newer export can answer a comment that only an older one had.
            parents |= {c.parent_source_id for c in group.comments if c.parent_source_id}
        stored = self._stored_ids(source, ids + sorted(parents.difference(ids)))
        stored |= comments_recognise(pairs=pairs, stored=stored, source=source, run_id=self.run_id)
        batch = []
        for group, article in pairs:
            # Followers first: an update restored from the past is recorded as heard of by them.
            if group.article.follows:
                report.follows_added += follows_store(
                    article=article, records=group.article.follows, user_ids=self.user_ids
                )
            if group.updates:
                report.updates_added += updates_store(
                    article=article, records=group.updates, source=source, run_id=self.run_id,
                    user_ids=self.user_ids,
                )  # fmt: skip
            new = self._new_comments(group, stored)
            if new:
                batch.append((article, new))
        if not batch:
            return
        self._authors_need(
            source_id
            for _, new in batch
            for record in new
            for source_id in (record.user_source_id, record.picked_by_source_id)
        )
        stored_parents = self._stored_parents(batch, stored)
        if self.buffer is None:
            self.buffer = CommentBuffer(
                source=self.source, run_id=self.run_id, user_ids=self.user_ids,
                warn=report.warn, kept_up_to=self.kept_up_to,
            )  # fmt: skip
        self.buffer.reserve(sum(len(new) for _, new in batch))
        self.buffer.flush(wait=False)
        for article, new in batch:
            placement = comments_place(
                new, stored_parents=stored_parents.get(article.pk, {}), max_level=self.max_level,
                term=self.comment_term,
            )  # fmt: skip
            for warning in placement.warnings:
                report.warn(warning)
            self.buffer.add(article=article, placement=placement)
            for node in placement.comments:
                report.count(report.comments_added, node.record.status)
            self.touched[article.pk] = article.slug

    def _new_comments(self, group: ArticleGroup, stored: dict[str, int]) -> list[CommentRecord]:
        """The group's comments to store: those not imported before, and with a date."""
        report = self.report
        report.comments_already_imported += sum(c.source_id in stored for c in group.comments)
        new = []
        for record in group.comments:
            if record.source_id in stored:
                continue
            if record.submitted_at is None:
                report.warn(f"{self.comment_term} {record.source_id}: no date; not imported")
                continue
            new.append(record)
        # The reader prepares words only while groups bring new comments.
        if new:
            self.prepare.set()
        else:
            self.prepare.clear()
        return new

    def _stored_ids(self, source: str, source_ids: list[str]) -> dict[str, int]:
        """Source id -> comment pk for this batch's comments imported before and still here.
        Records of comments deleted since (their article with them) are dropped: the file
        brings those back."""
        found: dict[str, int] = {}
        for start in range(0, len(source_ids), LOOKUP_CHUNK):
            found.update(
                source_records_find(
                    source=source, kind=SourceRecord.Kind.COMMENT,
                    source_ids=source_ids[start : start + LOOKUP_CHUNK],
                )
            )  # fmt: skip
        if not found:
            return found
        alive = comments_present(pks=list(found.values()))
        gone = [source_id for source_id, pk in found.items() if pk not in alive]
        if gone:
            SourceRecord.objects.filter(
                source=source, kind=SourceRecord.Kind.COMMENT, source_id__in=gone
            ).delete()
        return {source_id: pk for source_id, pk in found.items() if pk in alive}

    def _stored_parents(
        self, batch: list[tuple[Article, list[CommentRecord]]], stored: dict[str, int]
    ) -> dict[int, dict[str, StoredParent]]:
        """Article pk -> the stored comments that its new comments answer, by source id (a
        stored comment under another article answers nothing here)."""
        wanted = {
            record.parent_source_id: stored[record.parent_source_id]
            for _, new in batch
            for record in new
            if record.parent_source_id in stored
        }
        if not wanted:
            return {}
        rows = (
            Comment.objects.filter(pk__in=wanted.values())
            .order_by()
            .values_list("pk", "thread_id", "level", "parent_id", "article_id")
        )
        by_pk = {row[0]: (row[4], StoredParent(*row[:4])) for row in rows}
        found: dict[int, dict[str, StoredParent]] = {}
        for article, new in batch:
            for record in new:
                article_id, parent = by_pk.get(wanted.get(record.parent_source_id), (None, None))
                if article_id == article.pk:
                    found.setdefault(article.pk, {})[record.parent_source_id] = parent
        return found

    def _articles_authors_need(self, records: list[ArticleRecord]) -> None:
        self._authors_need(
            source_id
            for record in records
            for source_id in (
                *record.author_source_ids,
                *(self.logins_waiting.get(login, "") for login in record.author_logins),
            )
        )

    def _authors_need(self, source_ids: Iterable[str]) -> None:
        """Make the accounts of waiting authors that something about to be stored names."""
        if not self.authors_waiting:
            return
        for source_id in set(source_ids).intersection(self.authors_waiting):
            record = self.authors_waiting.pop(source_id)
            self.logins_waiting.pop(record.login, None)
            self._author_store(record, source=self.source)

    def _connection_free(self) -> None:
        """Wait for the batch being written before using the connection for anything else."""
        if self.buffer is not None:
            self.buffer.wait()

    def settle(self) -> None:
        """Let a batch in flight end, whatever happened (before a rollback, too)."""
        if self.buffer is not None:
            self.buffer.settle()

    def close(self) -> None:
        """Once the transaction is over: let the statistics taken after it end, too."""
        if self.buffer is not None:
            self.buffer.close()

    def finish(self) -> None:
        self._groups_store()
        if self.authors_waiting:
            self.report.count(self.report.users, "unneeded", len(self.authors_waiting))
        if self.buffer is not None:
            self.buffer.flush()
        if self.touched:
            # Fresh statistics for the site's queries and the next import, taken once the
            # rows are committed: registered before pages_refresh, so that the writing
            # thread takes them while this one drops the cached pages.
            transaction.on_commit(self._analyse)
        articles_comment_count_recount(article_ids=list(self.touched))
        pages_refresh(slugs=self.touched.values())

    def _analyse(self) -> None:
        if self.buffer is not None:
            self.buffer.analyse_after_commit()
        else:
            tables_analyse()
