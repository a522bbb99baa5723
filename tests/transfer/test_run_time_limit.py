"""A queued import stopped by the worker's time limit always ends said so, wherever in the
run the limit strikes."""

import os
import signal
import threading
import time

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import connection, transaction

from articles.models import Article
from comments.models import Comment
from transfer.models import ImportRun
from transfer.services import importing, runs
from transfer.services.storing import CommentBuffer

from . import wxr_build as W


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.mark.django_db
def test_a_time_limit_striking_before_the_import_began_still_ends_the_run(
    admin_user, monkeypatch, settings
):
    """The worker's soft limit is a signal: it can strike before the import's transaction
    begins (while the file is hashed, on a busy machine), where the import cannot record
    it. The run then read "running" until the sweep gave it up, an hour and more later (CI
    saw it once, on PostgreSQL). Here the limit is raised where that signal would land, as
    the import starts."""

    run = ImportRun.objects.create(format="wordpress", started_by=admin_user)
    run.upload.save("blog.xml", ContentFile(W.document(W.post(1, W.comment(11))).encode()))
    monkeypatch.setattr(runs, "import_file", _limit_struck)
    assert runs.import_run_execute(run_id=run.pk) == ImportRun.Status.FAILED
    run.refresh_from_db()
    assert run.finished_at is not None and not run.upload
    assert run.error == _time_limit_error(settings)


@pytest.mark.django_db
def test_a_time_limit_striking_as_the_run_is_claimed_still_ends_it(
    admin_user, monkeypatch, settings
):
    """Earlier still: as the worker marks the run running, its first query (a first
    connection, on a loaded machine). The claim is rolled back, and the run stayed queued,
    with nothing said, for the sweep to send again to the same limit (CI saw it once more,
    on PostgreSQL, after the test above was fixed)."""

    run = ImportRun.objects.create(format="wordpress", started_by=admin_user)
    run.upload.save("blog.xml", ContentFile(W.document(W.post(1, W.comment(11))).encode()))
    monkeypatch.setattr(ImportRun, "save", _limit_struck)
    assert runs.import_run_execute(run_id=run.pk) == ImportRun.Status.FAILED
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.finished_at is not None and not run.upload
    assert run.error == _time_limit_error(settings)


@pytest.mark.django_db(transaction=True)
def test_a_time_limit_striking_as_the_import_commits_still_ends_the_run(
    admin_user, monkeypatch, settings, struck_once
):
    """Inside the import transaction's commit, before it reached the database. On PostgreSQL
    the transaction was left open (psycopg: "connection in transaction status INTRANS"), the
    run's failure went into it and was lost with the connection, and the run read "running"
    with its upload still named: the end state CI showed, which it reached from the strike of
    the next test. On SQLite the open transaction was committed as autocommit came back on,
    and the run said nothing was stored over stored rows (core/backends/cut_short.py)."""

    run = ImportRun.objects.create(format="wordpress", started_by=admin_user)
    run.upload.save("blog.xml", ContentFile(W.document(W.post(1, W.comment(11))).encode()))
    real_lock_take = importing.import_lock_take

    def lock_take_then_arm():
        # Taken inside the import's transaction: its commit is the next one.
        real_lock_take()
        struck_once("_commit")

    monkeypatch.setattr(importing, "import_lock_take", lock_take_then_arm)
    assert runs.import_run_execute(run_id=run.pk) == ImportRun.Status.FAILED
    run.refresh_from_db()
    assert (run.status, run.error) == (ImportRun.Status.FAILED, _time_limit_error(settings))
    assert run.finished_at is not None and not run.upload
    assert (Article.objects.count(), Comment.objects.count()) == (0, 0)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_time_limit_striking_while_a_batch_is_written_lets_it_end_before_the_rollback():
    """Where CI's limit actually struck: as the import waited for its writing thread's batch
    (PostgreSQL writes one batch on the import's connection while the next is built). The
    wait forgot the batch before waiting, so settle() had nothing to wait for. The import's
    transaction was rolled back while the batch still wrote on the connection, and its next
    statement began a transaction that nothing ended. The limit here is the real kind: a
    SIGUSR1 whose handler raises SoftTimeLimitExceeded, as billiard's does."""

    buffer = CommentBuffer(source="wordpress", run_id=None, user_ids={}, warn=lambda _: None)
    released, batch_ended = threading.Event(), threading.Event()

    def slow_batch(raw) -> None:
        # Still writing when the limit strikes, and for a moment after.
        released.wait(30)
        time.sleep(0.3)
        raw.execute("SELECT 1")  # on the import's connection, as rows_write does
        batch_ended.set()

    def limit_struck(signum, frame):
        released.set()
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGUSR1, limit_struck)
    try:
        with pytest.raises(SoftTimeLimitExceeded), transaction.atomic():
            try:
                connection.ensure_connection()
                buffer.writing = buffer.writer.submit(slow_batch, connection.connection)
                threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGUSR1)).start()
                buffer.wait()  # as the writer waits to use the connection; struck here
            finally:
                buffer.settle()  # as the import does, inside its transaction
        # The rollback ran once the batch had ended, and left the connection in autocommit.
        assert batch_ended.is_set()
        assert connection.get_autocommit() and not connection.connection.info.transaction_status
    finally:
        signal.signal(signal.SIGUSR1, previous)
        buffer.close()


def _limit_struck(*args, **kwargs):
    raise SoftTimeLimitExceeded()


def _time_limit_error(settings) -> str:
    return (
        "The import was stopped: it ran longer than PARLEY_IMPORT_SECONDS allows "
        f"({settings.PARLEY_IMPORT_SECONDS} s). Nothing was stored."
    )
