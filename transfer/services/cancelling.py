"""Cancelling an import from the admin: asked for by one request, obeyed by the process
running the import at its next batch.

The request is a small file beside the uploads, not a field on the run's row: on SQLite
the import's transaction holds the database's one write lock to its end, so the row could
not be written until the import had finished anyway. The worker reads the upload from the
same directory, so it sees the file too; the cache may be per process or away."""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..models import ImportRun
from .one_import import import_run_writing, writes_wait_for_imports

CANCELLED_ERROR = "The import was cancelled by {who} before it finished; nothing was stored."


class ImportCancelled(Exception):
    """Raised between batches when the run's owner asked to cancel it; rolls it back."""


@dataclass(frozen=True)
class CancelOutcome:
    # "cancelled" (a queued run, at once), "requested" (a running one, at its next batch),
    # "already_requested", "finished" or "stopped" (it had ended; nothing was cancelled),
    # "busy" (a queued run on SQLite while another import writes: not cancelled yet).
    result: str
    run: ImportRun


def _request_path(run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "cancel" / str(run_id)


def import_run_cancel_requested(*, run_id: int) -> tuple[int | None, datetime] | None:
    """(id of who asked, when) if cancelling the run was asked for; a stat per call."""
    try:
        text = _request_path(run_id).read_text()
    except FileNotFoundError:
        return None
    user_id, _, moment = text.partition(" ")
    return (int(user_id) if user_id.isdigit() else None), datetime.fromisoformat(moment)


def import_run_cancel_forget(*, run_id: int) -> None:
    _request_path(run_id).unlink(missing_ok=True)


def import_run_cancel(*, run: ImportRun, user) -> CancelOutcome:
    """Cancel a queued run at once, or ask a running one to stop at its next batch. A run
    that ended meanwhile is left as it is, and the outcome says so."""
    now = timezone.now()
    run.refresh_from_db()
    if (
        run.status == ImportRun.Status.QUEUED
        and writes_wait_for_imports()
        and import_run_writing(excluding=run.pk) is not None
    ):
        # SQLite: another import holds the one write lock, so the row could not be written
        # before it ends; the request waited 20 s for it and failed with an error page.
        return CancelOutcome("busy", run)
    # Only a queued run's row is written here: on SQLite a running import holds the write
    # lock, and the request would wait for it to end.
    cancelled = run.status == ImportRun.Status.QUEUED and ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.QUEUED
    ).update(
        status=ImportRun.Status.FAILED, finished_at=now, cancelled_at=now, cancelled_by=user,
        error=CANCELLED_ERROR.format(who=user.get_username()),
    )  # fmt: skip
    if cancelled:
        run.refresh_from_db()
        if run.upload:  # holds every address of the site it came from (runs._upload_delete)
            run.upload.delete(save=False)
            ImportRun.objects.filter(pk=run.pk).update(upload="")
        return CancelOutcome("cancelled", run)
    run.refresh_from_db()
    if run.status == ImportRun.Status.RUNNING:
        if import_run_cancel_requested(run_id=run.pk) is not None:
            return CancelOutcome("already_requested", run)
        path = _request_path(run.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(f"{user.pk} {now.isoformat()}")
        os.replace(temporary, path)
        run.refresh_from_db()
        if run.status == ImportRun.Status.RUNNING:
            return CancelOutcome("requested", run)
        # It ended as the request was written: nobody would read it.
        import_run_cancel_forget(run_id=run.pk)
    if run.status == ImportRun.Status.DONE:
        return CancelOutcome("finished", run)
    return CancelOutcome("stopped", run)
