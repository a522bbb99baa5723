"""Imports started in the admin: queued with their uploaded file, run by a task, watched
through a progress figure in the cache (the import's own transaction hides its rows until
it commits)."""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import ImportRun
from ..records import SourceFileError
from .cancelling import ImportCancelled, import_run_cancel_forget
from .importing import import_file, time_limit_error

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 3600
# How long a run waits for its message before the sweep sends another: enough for a worker
# busy with another import to be the reason, so that a run is rarely sent twice (which is
# harmless: import_run_execute runs it once).
SWEEP_AFTER = timedelta(minutes=2)
# A run still "running" this long after it started has no process left: a worker's hard
# limit (PARLEY_IMPORT_SECONDS + 60 s) ends any import before then. One whose process was
# killed (out of memory, a restart, a deploy) would otherwise say "running" for ever.
ABANDONED_ERROR = (
    "The import stopped without finishing: the process running it ended (killed, restarted "
    "or out of memory). Nothing was stored."
)


def _abandoned_after() -> timedelta:
    return timedelta(seconds=settings.PARLEY_IMPORT_SECONDS + 60) + SWEEP_AFTER


def _progress_key(run_id: int) -> str:
    return f"transfer:progress:{run_id}"


def import_run_progress(*, run_id: int) -> tuple[int, int] | None:
    """(bytes read, bytes in all) of a running import, if it has said."""
    return cache.get(_progress_key(run_id))


def import_run_queue(*, run: ImportRun) -> None:
    """Queue a stored run once the upload's row is committed."""
    from ..tasks import import_run_task

    import_run_task.delay_on_commit(run.pk)


def import_runs_sweep() -> list[int]:
    """Queue again the runs still waiting after SWEEP_AFTER: their message was not sent
    (the queue was away when they were uploaded) or was lost. Returns their ids. Runs whose
    process ended mid-import are marked failed, and their uploads deleted."""
    from ..tasks import import_run_task

    abandoned = ImportRun.objects.filter(
        status=ImportRun.Status.RUNNING, started_at__lte=timezone.now() - _abandoned_after()
    )
    for run in abandoned:
        # A command-line run has no hard limit; if one is in fact still going, its end
        # writes its own outcome over this one.
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED, error=ABANDONED_ERROR, finished_at=timezone.now()
        )
        _upload_delete(run)

    waiting = list(
        ImportRun.objects.filter(
            status=ImportRun.Status.QUEUED, created_at__lte=timezone.now() - SWEEP_AFTER
        ).values_list("pk", flat=True)
    )
    for run_id in waiting:
        import_run_task.enqueue(run_id)
    return waiting


def import_run_execute(*, run_id: int) -> str:
    """Run a queued import once; the run records the outcome and the upload is deleted."""
    started_at = timezone.now()
    claimed: ImportRun | None = None
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            cache.set(_progress_key(run_id), (done, total), PROGRESS_SECONDS)

    try:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
            if run is None or run.status != ImportRun.Status.QUEUED:
                return "not queued"
            run.status, run.started_at = ImportRun.Status.RUNNING, started_at
            run.save(update_fields=["status", "started_at"])
        claimed = run
        import_file(
            path=run.upload.path, format=run.format, dry_run=run.dry_run, run=run,
            progress=progress, force=True,
        )  # fmt: skip
    except (SourceFileError, ImportCancelled):
        pass  # the run says what was wrong or that it was cancelled
    except SoftTimeLimitExceeded:
        # The limit is a signal and strikes wherever the worker is: in the import's
        # transaction (which records it), but on a loaded machine also before, while the
        # file is hashed or even as the run is claimed (a first connection). Left running or
        # queued, the run waited for the sweep, an hour and more later, which blamed a
        # process that had ended or sent it again to the same fate. A run nobody claimed, or
        # this execution's claim (its started_at), is ours to mark; another delivery's is not.
        ours = Q(status=ImportRun.Status.QUEUED) | Q(
            status=ImportRun.Status.RUNNING, started_at=started_at
        )
        marked = ImportRun.objects.filter(ours, pk=run_id).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=time_limit_error()
        )
        if marked and claimed is None:
            claimed = ImportRun.objects.get(pk=run_id)  # ended: its upload goes too
    except Exception:
        if claimed is None:
            raise  # nothing of it began here: not ours to mark
        logger.exception("import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, error="An internal error stopped the import; "
            "nothing was stored. The server's log has the details.",
        )  # fmt: skip
        raise
    finally:
        if claimed is not None:
            _upload_delete(claimed)
    return ImportRun.objects.get(pk=run_id).status


def import_runs_delete(*, runs) -> int:
    """Delete runs with their uploaded files; a running one is left (its end would write it
    back). Returns how many were deleted."""
    deleted = 0
    for run in runs:
        if run.status == ImportRun.Status.RUNNING:
            continue
        # A queued run's file, deleted with the row by nobody else, would stay for ever.
        _upload_delete(run)
        run.delete()
        deleted += 1
    return deleted


def _upload_delete(run: ImportRun) -> None:
    # The file holds every address of the site it came from: it goes once its run ends.
    if run.upload:
        run.upload.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(upload="")
    cache.delete(_progress_key(run.pk))
    import_run_cancel_forget(run_id=run.pk)
