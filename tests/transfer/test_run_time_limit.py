"""A queued import stopped by the worker's time limit always ends said so, wherever in the
run the limit strikes."""

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile

from transfer.models import ImportRun
from transfer.services import runs

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


def _limit_struck(*args, **kwargs):
    raise SoftTimeLimitExceeded()


def _time_limit_error(settings) -> str:
    return (
        "The import was stopped: it ran longer than PARLEY_IMPORT_SECONDS allows "
        f"({settings.PARLEY_IMPORT_SECONDS} s). Nothing was stored."
    )
