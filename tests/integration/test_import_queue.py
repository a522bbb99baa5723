"""An import uploaded in the admin waits on Redis until a real worker runs it."""

import json

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comments.models import Comment
from tests.conftest import celery_broker
from tests.support import wait_until
from tests.transfer import wxr_build as W
from transfer.models import ImportRun

from .conftest import BROKER_DB

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_runs_an_uploaded_import(
    admin_client, queue_redis, start_worker, settings, monkeypatch, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("PARLEY_UPLOAD_DIR", str(tmp_path))  # the worker reads the same folder
    body = W.document(W.post(1, "".join(W.comment(n, parent=n - 1) for n in range(1, 8))))
    upload = SimpleUploadedFile("blog.xml", body.encode(), content_type="text/xml")
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        answer = admin_client.post(
            reverse("admin:transfer_importrun_add"), {"format": "wordpress", "upload": upload}
        )
    run = ImportRun.objects.get()
    assert answer.status_code == 302 and run.status == ImportRun.Status.QUEUED
    assert redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}").llen("celery") == 1
    assert "Waiting for a worker." in admin_client.get(answer.url).content.decode()

    start_worker(queue_redis)
    # Ended once its upload is gone too (the worker's `finally`, after the status is written).
    wait_until(
        lambda: ImportRun.objects.filter(status=ImportRun.Status.DONE, upload="").exists(),
        60,
        "the import to run and its upload to go",
    )
    assert Comment.objects.count() == 7
    assert "Comments: 7 added (7 published)" in admin_client.get(answer.url).content.decode()
    assert not list(tmp_path.rglob("*.xml"))


def test_an_import_past_its_time_limit_is_stopped_and_says_so(
    admin_client, queue_redis, start_worker, settings, monkeypatch, tmp_path
):
    """A worker gives an admin's import PARLEY_IMPORT_SECONDS, not the minute other tasks
    get: past it the import is stopped, nothing of it is stored, and its page says why."""
    from transfer.tasks import import_run_task

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("PARLEY_UPLOAD_DIR", str(tmp_path))
    posts = "".join(
        W.post(p, "".join(W.comment(p * 1000 + n) for n in range(1, 1001))) for p in range(1, 41)
    )
    upload = SimpleUploadedFile("big.xml", W.document(posts).encode(), content_type="text/xml")
    broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        answer = admin_client.post(
            reverse("admin:transfer_importrun_add"), {"format": "wordpress", "upload": upload}
        )
        assert answer.status_code == 302
        # The message carries the import's limits (hard, soft), which the worker applies.
        sent = json.loads(broker.lpop("celery"))
        limit = settings.PARLEY_IMPORT_SECONDS
        assert limit >= 3600 and sent["headers"]["timelimit"] == [limit + 60, limit]
        # The same run sent again with a limit of one second, and a worker set up to match.
        import_run_task.apply_async((ImportRun.objects.get().pk,), soft_time_limit=1)
    monkeypatch.setenv("PARLEY_IMPORT_SECONDS", "1")
    start_worker(queue_redis)
    # Ended once its upload is gone too: the run records its failure before the worker's
    # `finally` deletes the file, so the status alone raced the last assertion (CI, once).
    try:
        wait_until(
            lambda: ImportRun.objects.filter(status=ImportRun.Status.FAILED, upload="").exists(),
            90,
            "the import to stop and its upload to go",
        )
    except AssertionError as error:
        runs = list(ImportRun.objects.values("status", "error", "upload", "started_at"))
        raise AssertionError(f"{error}; the run: {runs}") from None
    assert Comment.objects.count() == 0
    page = admin_client.get(answer.url).content.decode()
    assert "it ran longer than PARLEY_IMPORT_SECONDS allows (1 s). Nothing was stored." in page
    assert not list(tmp_path.rglob("*.xml"))
