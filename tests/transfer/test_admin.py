"""Imports from the admin: upload, a task runs it, the run's page reports it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comments.models import Comment
from transfer.models import ImportRun

from . import wxr_build as W

pytestmark = pytest.mark.django_db
ADD = reverse("admin:transfer_importrun_add")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def upload(name="blog.xml", body=None):
    body = body or W.document(W.post(1, W.comment(1) + W.comment(2, parent=1, status="0")))
    return SimpleUploadedFile(name, body.encode(), content_type="text/xml")


def test_an_upload_is_imported_by_its_task_and_the_run_reports_it(
    admin_client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    run = ImportRun.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("admin:transfer_importrun_change", args=[run.pk])
    assert run.status == ImportRun.Status.DONE and run.file_name == "blog.xml"
    assert Comment.objects.count() == 2
    # The uploaded file (addresses, IPs) does not outlive its import.
    assert not run.upload and not any((settings.MEDIA_ROOT / "imports").rglob("*.xml"))
    page = admin_client.get(answer.url).content.decode()
    assert "Comments: 2 added (1 held, 1 published)" in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to wait for


def test_a_queued_run_shows_that_it_waits_and_refreshes(admin_client):
    answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    run = ImportRun.objects.get()  # the task runs once the upload commits; not in this test
    page = admin_client.get(answer.url).content.decode()
    assert run.status == ImportRun.Status.QUEUED
    assert "Waiting for a worker." in page and 'http-equiv="refresh"' in page


def test_a_run_whose_message_never_left_is_run_by_the_sweep(admin_client, settings):
    """An upload made while the queue was away (its message never sent) waits; beat's sweep
    queues it again after two minutes, and it is imported and its file deleted."""
    from datetime import timedelta

    from django.utils import timezone

    from transfer.tasks import import_runs_sweep_task

    admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    run = ImportRun.objects.get()  # its message, sent on commit, is not sent in this test
    assert import_runs_sweep_task.apply().get() == []  # too soon to be sent again
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert import_runs_sweep_task.apply().get() == [run.pk]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and Comment.objects.count() == 2
    assert not run.upload and not any((settings.MEDIA_ROOT / "imports").rglob("*.xml"))
    assert settings.CELERY_BEAT_SCHEDULE["import-runs-sweep"]["schedule"] == 120.0


def test_a_run_whose_worker_died_is_failed_by_the_sweep_and_its_file_deleted(
    admin_client, settings
):
    """A worker killed mid-import (out of memory, a restart) leaves its run "running"; once
    past the hard time limit the sweep marks it failed, saying why, and deletes the upload
    (every address of the old site). A run still within the limit is left alone."""
    from datetime import timedelta

    from django.utils import timezone

    from transfer.tasks import import_runs_sweep_task

    settings.PARLEY_IMPORT_SECONDS = 600
    for _ in range(2):
        admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    dead, alive = ImportRun.objects.order_by("pk")
    long_ago = timezone.now() - timedelta(seconds=600 + 60 + 121)
    ImportRun.objects.filter(pk=dead.pk).update(status="running", started_at=long_ago)
    ImportRun.objects.filter(pk=alive.pk).update(
        status="running", started_at=timezone.now() - timedelta(seconds=600)
    )
    assert import_runs_sweep_task.apply().get() == []
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED and "Nothing was stored" in dead.error
    assert not dead.upload and dead.finished_at is not None
    assert alive.status == ImportRun.Status.RUNNING and alive.upload
    assert len(list((settings.MEDIA_ROOT / "imports").rglob("*.xml"))) == 1
    page = admin_client.get(reverse("admin:transfer_importrun_change", args=[dead.pk]))
    assert "the process running it ended" in page.content.decode()


def test_deleting_a_waiting_run_deletes_its_file_and_a_running_one_cannot_be(
    admin_client, settings
):
    """A run deleted while it waits for a worker takes its uploaded file (every address of
    the old site) with it; a running run has no Delete (its end would write it back)."""
    for _ in range(2):
        admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    waiting, running = ImportRun.objects.order_by("pk")
    ImportRun.objects.filter(pk=running.pk).update(status="running")
    files = settings.MEDIA_ROOT / "imports"
    assert len(list(files.rglob("*.xml"))) == 2
    delete = reverse("admin:transfer_importrun_delete", args=[waiting.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not ImportRun.objects.filter(pk=waiting.pk).exists()
    assert [p.name for p in files.rglob("*.xml")] == [running.upload.name.rsplit("/", 1)[1]]
    delete = reverse("admin:transfer_importrun_delete", args=[running.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:transfer_importrun_changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [running.pk], "post": "yes"}
    )
    assert ImportRun.objects.filter(pk=running.pk).exists()


def test_a_bad_file_fails_its_run_and_says_why(admin_client, django_capture_on_commit_callbacks):
    cut = W.document(W.post(1, W.comment(1)))[:300]
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload(body=cut)})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "line" in run.error
    page = admin_client.get(answer.url).content.decode()
    assert "Failed: nothing was stored" in page and Comment.objects.count() == 0
    assert "Import finished." not in page and "matched" not in page and "added" not in page


def test_the_wrong_kind_of_file_is_refused_with_the_form_kept(admin_client):
    answer = admin_client.post(ADD, {"format": "json", "upload": upload()})
    assert answer.status_code == 200
    assert "A Parley JSON backup file ends in .json." in answer.content.decode()
    assert not ImportRun.objects.exists()


def test_staff_without_the_permission_cannot_import(client, make_user):
    clerk = make_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"format": "wordpress", "upload": upload()}).status_code == 403
    assert not ImportRun.objects.exists()


def test_a_running_import_shows_how_much_of_its_file_is_read(admin_client):
    from django.core.cache import cache

    from transfer.services.runs import _progress_key

    answer = admin_client.post(ADD, {"format": "wordpress", "upload": upload()})
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    cache.set(_progress_key(run.pk), (400, 1000))
    page = admin_client.get(answer.url).content.decode()
    assert '<progress max="1000" value="400">40 %</progress> 40 % of the file read' in page


def test_the_command_line_shows_a_progress_bar_that_ends_full(tmp_path, capsys):
    from django.core.management import call_command

    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1)), W.post(2, W.comment(2)))
    call_command("import_wordpress", str(path))
    bar = capsys.readouterr().err
    size = f"{path.stat().st_size / 1000:.2f}k"
    assert "blog.xml: 100%" in bar and f"{size}/{size}" in bar


def test_big_counts_and_file_sizes_are_written_for_people(admin_client, settings):
    """An 80,000-comment import reads "80,000", in German "80.000"; the run's file size is
    "1.2 MB" (a no-break space between), not a count of bytes."""
    from django.utils import translation

    from transfer.services.report import ImportReport

    report = ImportReport(
        dry_run=True, comments_added={"published": 80000}, comments_already_imported=1500
    )
    assert "Comments: 80,000 would be added (80,000 published); 1,500 already imported." in (
        report.lines()
    )
    with translation.override("de"):
        assert any("80.000" in line for line in report.lines())
    run = ImportRun.objects.create(format="wordpress", file_name="big.xml", file_size=1_234_567)
    page = admin_client.get(reverse("admin:transfer_importrun_change", args=[run.pk]))
    assert "1.2\xa0MB" in page.content.decode()
