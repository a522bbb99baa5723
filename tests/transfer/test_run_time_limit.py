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
    it. The run then read "running" for ever (CI saw it once, on PostgreSQL). Here the limit
    is raised where that signal would land, as the import starts."""

    def limit_struck(**kwargs):
        raise SoftTimeLimitExceeded()

    run = ImportRun.objects.create(format="wordpress", started_by=admin_user)
    run.upload.save("blog.xml", ContentFile(W.document(W.post(1, W.comment(11))).encode()))
    monkeypatch.setattr(runs, "import_file", limit_struck)
    assert runs.import_run_execute(run_id=run.pk) == ImportRun.Status.FAILED
    run.refresh_from_db()
    assert run.finished_at is not None and not run.upload
    assert run.error == (
        "The import was stopped: it ran longer than PARLEY_IMPORT_SECONDS allows "
        f"({settings.PARLEY_IMPORT_SECONDS} s). Nothing was stored."
    )
