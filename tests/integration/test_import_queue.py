"""An import uploaded in the admin waits on Redis until a real worker runs it."""

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
    wait_until(
        lambda: ImportRun.objects.get().status == ImportRun.Status.DONE, 60, "the import to run"
    )
    assert Comment.objects.count() == 7
    assert "Comments: 7 added (7 published)" in admin_client.get(answer.url).content.decode()
    assert not list(tmp_path.rglob("*.xml"))
