"""One export file into the site: read as a stream, written in batches, in one transaction.

A file that turns out malformed halfway leaves nothing behind; a dry run does all the work
and then rolls it back, so what it reports is what a real run would do. Imported comments
keep the status their source gave them: nothing is scored, and nobody is emailed."""

import hashlib
import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

from ..models import Format, ImportRun, SourceRecord
from ..records import ArticleGroup, AuthorRecord, ReadStats, SourceFileError
from .cancelling import (
    CANCELLED_ERROR,
    ImportCancelled,
    import_run_cancel_forget,
    import_run_cancel_requested,
)
from .one_import import import_lock_take, import_run_writing, import_waits_for_others
from .read_ahead import read_ahead
from .report import ImportReport
from .writer import ImportWriter

Progress = Callable[[int, int], None]
# Told the other import this one waits for, before it waits (the command line says so).
Waiting = Callable[[ImportRun], None]


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


def _grants_roles(run: ImportRun) -> bool:
    """Whether the accounts this run creates get the roles its file names. A file's groups
    make authors and moderators: an admin who may start imports but not change users must
    not become able to make a moderator (one whose address they hold) by uploading one. A
    run from the command line has no starter: whoever runs it has the whole site."""
    starter = run.started_by
    if starter is None:
        return run.started_by_id is None
    return starter.is_active and starter.has_perm("auth.change_user")


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
    waiting: Waiting | None = None,
) -> ImportReport:
    """Import one file. Raises SourceFileError (nothing stored) for a file that cannot be
    read; the run, when there is one, records the outcome either way. Started while another
    import is writing, it waits for that one to end (transfer.services.one_import), and
    first tells `waiting` which one it is."""
    with import_waits_for_others():
        if waiting is not None:
            other = import_run_writing(excluding=run.pk if run else None)
            if other is not None:
                waiting(other)
        return _import(
            path=Path(path), format=format, dry_run=dry_run, force=force, run=run,
            started_by=started_by, progress=progress, site_timezone=site_timezone,
        )  # fmt: skip


def _import(
    *,
    path: Path,
    format: str,
    dry_run: bool,
    force: bool,
    run: ImportRun | None,
    started_by,
    progress: Progress | None,
    site_timezone: tzinfo | None,
) -> ImportReport:
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
    if earlier is not None and not force and not dry_run and _rows_intact(earlier):
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
    writer = ImportWriter(
        run_id=run.pk, report=report, grants_roles=_grants_roles(run),
        comment_term=reader.comment_term,
    )  # fmt: skip
    try:
        with transaction.atomic():
            import_lock_take()
            try:
                for item in read_ahead(reader, writer.prepare):
                    _stop_if_cancelled(run)
                    if isinstance(item, AuthorRecord):
                        writer.author(item, source=reader.source)
                    elif isinstance(item, ArticleGroup):
                        writer.group(item, source=reader.source, kept_up_to=reader.comment_id_max)
                _stop_if_cancelled(run)
                writer.finish()
            finally:
                writer.settle()
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    except SourceFileError as error:
        report.seconds = time.perf_counter() - began
        run.error = str(error)
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    except IntegrityError as error:
        report.seconds = time.perf_counter() - began
        # Only a file that names one comment twice (under two posts) gets here.
        run.error = f"the file gives one id to two comments ({str(error).splitlines()[0]})"
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise SourceFileError(run.error) from error
    except SoftTimeLimitExceeded:
        # The worker's limit for one import: its transaction is rolled back as this leaves.
        report.seconds = time.perf_counter() - began
        run.error = time_limit_error()
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    except ImportCancelled:
        report.seconds = time.perf_counter() - began
        who = run.cancelled_by.get_username() if run.cancelled_by else "someone"
        run.error = CANCELLED_ERROR.format(who=who)
        _run_finish(run, report, ImportRun.Status.FAILED)
        import_run_cancel_forget(run_id=run.pk)
        raise
    except Exception:
        run.error = "An internal error stopped the import; nothing was stored."
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    except BaseException:
        # Ctrl-C on the command, or a process told to exit: rolled back like any failure,
        # and said so, or the run would read "running" for ever.
        report.seconds = time.perf_counter() - began
        run.error = "The import was interrupted before it finished; nothing was stored."
        _run_finish(run, report, ImportRun.Status.FAILED)
        raise
    finally:
        writer.close()
    report.seconds = time.perf_counter() - began
    report.skipped = dict(stats.skipped)
    for warning in stats.warnings:
        report.warn(warning)
    _run_finish(run, report, ImportRun.Status.DONE)
    # Asked for after its last batch: it finished, and the page says so.
    import_run_cancel_forget(run_id=run.pk)
    return report


def time_limit_error() -> str:
    """What a run stopped by the worker's time limit for an import says."""
    return (
        "The import was stopped: it ran longer than PARLEY_IMPORT_SECONDS allows "
        f"({settings.PARLEY_IMPORT_SECONDS} s). Nothing was stored."
    )


def _stop_if_cancelled(run: ImportRun) -> None:
    """Raise ImportCancelled once the run's owner asked for it (between records: a batch
    being written is finished or rolled back whole)."""
    asked = import_run_cancel_requested(run_id=run.pk)
    if asked is not None:
        run.cancelled_by_id, run.cancelled_at = asked
        raise ImportCancelled


def _rows_intact(run: ImportRun) -> bool:
    """Whether every comment and article that run stored is still here (nothing of it was
    deleted since, so reading its file again could change nothing)."""
    for kind, model in ((SourceRecord.Kind.COMMENT, Comment), (SourceRecord.Kind.ARTICLE, Article)):
        records = SourceRecord.objects.filter(run=run, kind=kind)
        alive = model.objects.filter(pk__in=records.values("object_id"))
        if alive.count() != records.count():
            return False
    return True


def _run_finish(run: ImportRun, report: ImportReport, status: str) -> None:
    run.status, run.report, run.finished_at = status, report.as_dict(), timezone.now()
    run.save()
