"""One export file into the site: read as a stream, written in batches, in one transaction.

A file that turns out malformed halfway leaves nothing behind; a dry run does all the work
and then rolls it back, so what it reports is what a real run would do. Imported comments
keep the status their source gave them: nothing is scored, and nobody is emailed."""

import hashlib
import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.services import pages_refresh
from comments.models import Comment
from comments.services import (
    article_comment_count_recount,
    max_level,
    thread_recount,
    thread_renumber,
)

from ..models import Format, ImportRun, SourceRecord
from ..records import ArticleGroup, AuthorRecord, ReadStats, SourceFileError
from .matching import article_match, updates_store, user_match
from .placing import StoredParent, comments_place
from .report import ImportReport
from .storing import comments_store

Progress = Callable[[int, int], None]
LOOKUP_CHUNK = 5000


def reader_for(format: str):
    """The reader class for a format (imported late: each pulls in its XML or JSON parser)."""
    if format == Format.WORDPRESS:
        from ..wxr_reader import WxrReader as reader
    elif format == Format.DISQUS:
        from ..disqus_reader import DisqusReader as reader
    elif format == Format.JSON:
        from ..json_reader import JsonReader as reader
    else:
        raise ValueError(f"unknown format {format!r}")
    return reader


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def import_file(
    *,
    path: str | Path,
    format: str,
    dry_run: bool = False,
    force: bool = False,
    run: ImportRun | None = None,
    started_by=None,
    progress: Progress | None = None,
    site_timezone: tzinfo | None = None,
) -> ImportReport:
    """Import one file. Raises SourceFileError (nothing stored) for a file that cannot be
    read; the run, when there is one, records the outcome either way."""
    path = Path(path)
    sha256 = file_sha256(path)
    report = ImportReport(dry_run=dry_run)
    if run is None:
        run = ImportRun.objects.create(
            format=format, file_name=path.name, file_size=path.stat().st_size,
            file_sha256=sha256, dry_run=dry_run, started_by=started_by,
        )  # fmt: skip
    else:
        run.file_sha256, run.file_size = sha256, path.stat().st_size
    earlier = (
        ImportRun.objects.filter(format=format, file_sha256=sha256, status=ImportRun.Status.DONE)
        .filter(dry_run=False)
        .exclude(pk=run.pk)
        .order_by("pk")
        .first()
    )
    if earlier is not None and not force and not dry_run:
        report.same_file_as_run = earlier.pk
        _run_finish(run, report, ImportRun.Status.DONE)
        return report

    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at", "file_sha256", "file_size"])
    began = time.perf_counter()
    stats = ReadStats()
    reader = reader_for(format)(
        path, stats=stats, site_timezone=site_timezone or timezone.get_current_timezone(),
        progress=progress,
    )  # fmt: skip
    try:
        with transaction.atomic():
            writer = _Writer(run_id=run.pk, report=report)
            for item in reader:
                if isinstance(item, AuthorRecord):
                    writer.author(item, source=reader.source)
                elif isinstance(item, ArticleGroup):
                    writer.group(item, source=reader.source)
            writer.finish()
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    except SourceFileError as error:
        report.seconds = time.perf_counter() - began
        run.error = str(error)
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    except Exception:
        run.error = "An internal error stopped the import; nothing was stored."
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    report.seconds = time.perf_counter() - began
    report.skipped = dict(stats.skipped)
    for warning in stats.warnings:
        report.warn(warning)
    _run_finish(run, report, ImportRun.Status.DONE)
    return report


def _run_finish(run: ImportRun, report: ImportReport, status: str) -> None:
    run.status, run.report, run.finished_at = status, report.as_dict(), timezone.now()
    run.save()


class _Writer:
    """Stores what a reader yields, remembering the users and articles it has met."""

    def __init__(self, *, run_id: int, report: ImportReport):
        self.run_id = run_id
        self.report = report
        self.user_ids: dict[str, int] = {}
        self.user_logins: dict[str, int] = {}
        self.touched: dict[int, str] = {}  # article pk -> slug, to recount and refresh
        self.max_level = max_level()

    def author(self, record: AuthorRecord, *, source: str) -> None:
        pk, how = user_match(record=record, source=source, run_id=self.run_id)
        self.user_ids[record.source_id] = pk
        self.user_logins[record.login] = pk
        self.report.count(self.report.users, how)

    def group(self, group: ArticleGroup, *, source: str) -> None:
        report = self.report
        article, how = article_match(
            record=group.article, source=source, run_id=self.run_id, user_ids=self.user_ids,
            user_logins=self.user_logins,
        )  # fmt: skip
        report.count(report.articles, how)
        if group.updates:
            report.updates_added += updates_store(
                article=article, records=group.updates, source=source, run_id=self.run_id,
                user_ids=self.user_ids,
            )  # fmt: skip
        ids = [c.source_id for c in group.comments]
        # A reply in a newer export can answer a comment that only an older one had.
        parents = {c.parent_source_id for c in group.comments if c.parent_source_id}
        stored = self._stored_ids(source, ids + sorted(parents.difference(ids)))
        report.comments_already_imported += sum(c.source_id in stored for c in group.comments)
        new = []
        for record in group.comments:
            if record.source_id in stored:
                continue
            if record.submitted_at is None:
                report.warn(f"comment {record.source_id}: no date; not imported")
                continue
            new.append(record)
        if not new:
            return
        placement = comments_place(
            new, stored_parents=self._stored_parents(new, stored, article), max_level=self.max_level
        )
        for warning in placement.warnings:
            report.warn(warning)
        comments_store(
            article=article, placement=placement, source=source, run_id=self.run_id,
            user_ids=self.user_ids, warnings=report.warnings,
        )  # fmt: skip
        for thread_id in placement.stored_threads:
            thread_renumber(thread_id=thread_id)
            thread_recount(thread_id=thread_id)
        for node in placement.comments:
            report.count(report.comments_added, node.record.status)
        self.touched[article.pk] = article.slug

    def _stored_ids(self, source: str, source_ids: list[str]) -> dict[str, int]:
        """Source id -> comment pk for this group's comments imported before."""
        found: dict[str, int] = {}
        for start in range(0, len(source_ids), LOOKUP_CHUNK):
            found.update(
                SourceRecord.objects.filter(
                    source=source, kind=SourceRecord.Kind.COMMENT,
                    source_id__in=source_ids[start : start + LOOKUP_CHUNK],
                ).values_list("source_id", "object_id")
            )  # fmt: skip
        return found

    def _stored_parents(self, new, stored: dict[str, int], article: Article):
        wanted = {
            r.parent_source_id: stored[r.parent_source_id]
            for r in new
            if r.parent_source_id in stored
        }
        if not wanted:
            return {}
        rows = Comment.objects.filter(pk__in=wanted.values(), article=article).values_list(
            "pk", "thread_id", "level", "parent_id"
        )
        by_pk = {row[0]: StoredParent(*row) for row in rows}
        return {sid: by_pk[pk] for sid, pk in wanted.items() if pk in by_pk}

    def finish(self) -> None:
        for article_id in self.touched:
            article_comment_count_recount(article_id=article_id)
        pages_refresh(slugs=self.touched.values())
