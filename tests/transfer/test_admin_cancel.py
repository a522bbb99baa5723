"""Cancelling an import from its page in the admin: a running one stops at its next batch
and stores nothing, a queued one is cancelled at once, one that ended meanwhile is left
as it was and the page says so."""

import threading
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from transfer.models import ImportRun
from transfer.services.cancelling import ImportCancelled
from transfer.services.importing import import_file

from . import wxr_build as W


def cancel_url(run) -> str:
    return reverse("admin:transfer_importrun_cancel", args=[run.pk])


def page_url(run) -> str:
    return reverse("admin:transfer_importrun_change", args=[run.pk])


def stored_run(user, status=ImportRun.Status.QUEUED, **extra) -> ImportRun:
    run = ImportRun.objects.create(format="wordpress", started_by=user, status=status, **extra)
    body = W.document(
        W.post(1, W.comment(11) + W.comment(12, parent=11)) + W.post(2, W.comment(21))
    )
    run.upload.save("blog.xml", ContentFile(body.encode()))
    run.file_name = "blog.xml"
    run.save(update_fields=["file_name"])
    return run


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def shown(answer) -> str:
    return answer.content.decode()


@contextmanager
def import_held(run):
    """A real import of `run` in a thread, held after it read its first article (on SQLite
    its transaction holds the write lock) until the block ends; yields a dict that gets
    what the import raised, under "error"."""
    read_one, released = threading.Event(), threading.Event()
    outcome = {}

    def progress(done, total):
        read_one.set()
        released.wait(30)

    def running():
        try:
            import_file(path=run.upload.path, format="wordpress", run=run, progress=progress)
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    importer = threading.Thread(target=running)
    importer.start()
    try:
        assert read_one.wait(30), "the import never read its first article"
        yield outcome
    finally:
        released.set()
        importer.join(60)


@pytest.mark.django_db(transaction=True)
def test_a_running_import_cancelled_from_its_page_stops_and_stores_nothing(
    admin_client, admin_user, settings
):
    """A real import, held after it read its first article, is cancelled from the admin:
    it stops at its next record, rolls back, and its page says who cancelled it, when, and
    that nothing was stored. On SQLite the request answers while the import holds the write
    lock."""
    run = stored_run(admin_user)
    with import_held(run) as outcome:
        assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.RUNNING
        answer = admin_client.post(cancel_url(run), follow=True)
    assert f"Cancelling import {run.pk}: it stops at its next batch and what it" in shown(answer)
    assert isinstance(outcome.get("error"), ImportCancelled)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.cancelled_by == admin_user and run.cancelled_at is not None
    assert run.error == "The import was cancelled by admin before it finished; nothing was stored."
    assert Comment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "imports" / "cancel" / str(run.pk)).exists()
    page = shown(admin_client.get(page_url(run)))
    assert "cancelled by admin before it finished; nothing was stored." in page
    assert "Cancelled by" in page and "Cancel import</button>" not in page


@pytest.mark.django_db
def test_a_queued_run_is_cancelled_at_once_and_a_second_click_says_so(admin_client, admin_user):
    run = stored_run(admin_user)
    assert "Cancel import</button>" in shown(admin_client.get(page_url(run)))
    first = shown(admin_client.post(cancel_url(run), follow=True))
    assert f"Import {run.pk} was cancelled before it started; nothing was imported." in first
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.cancelled_by == admin_user
    assert not run.upload  # the file with the other site's addresses is gone
    second = shown(admin_client.post(cancel_url(run), follow=True))
    assert "That import was already cancelled; nothing of it was stored." in second
    assert ImportRun.objects.get(pk=run.pk).cancelled_at == run.cancelled_at


@pytest.mark.django_db
def test_a_run_that_finished_meanwhile_is_left_and_the_page_says_so(admin_client, admin_user):
    run = ImportRun.objects.create(
        format="wordpress", started_by=admin_user, status=ImportRun.Status.DONE,
        finished_at=timezone.now(), report={"comments_added": {"published": 2, "held": 1}},
    )  # fmt: skip
    answer = admin_client.post(cancel_url(run), follow=True)
    assert answer.status_code == 200
    assert "That import had already finished: 3 comments imported; nothing was cancelled." in shown(
        answer
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.cancelled_at is None


@pytest.mark.django_db
def test_a_second_click_on_a_running_import_asks_once(admin_client, admin_user, settings):
    run = stored_run(admin_user, status=ImportRun.Status.RUNNING, started_at=timezone.now())
    for _ in range(2):
        answer = admin_client.post(cancel_url(run), follow=True)
        assert f"Cancelling import {run.pk}" in shown(answer)
    assert (settings.MEDIA_ROOT / "imports" / "cancel" / str(run.pk)).is_file()
    with pytest.raises(ImportCancelled):
        import_file(path=run.upload.path, format="wordpress", run=run)
    assert Comment.objects.count() == 0
    assert ImportRun.objects.get(pk=run.pk).cancelled_by == admin_user


@pytest.mark.django_db
def test_only_who_may_start_imports_may_cancel_one(client, make_user, admin_user):
    run = stored_run(admin_user)
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(viewer)
    assert "Cancel import</button>" not in shown(client.get(page_url(run)))
    assert client.post(cancel_url(run)).status_code == 403
    assert client.get(cancel_url(run)).status_code == 302  # a GET changes nothing
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.QUEUED


@pytest.mark.django_db
def test_a_cancel_without_the_csrf_token_is_refused(admin_user):
    run = stored_run(admin_user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    assert browser.post(cancel_url(run)).status_code == 403
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.QUEUED


@pytest.mark.django_db
def test_a_command_line_import_cancelled_from_the_admin_ends_with_a_message(
    admin_user, settings, tmp_path
):
    """A command-line run shows in the admin's list and may be cancelled there: the command
    ends as an interrupted one does, not with a traceback."""
    from django.core.management import CommandError, call_command

    path = tmp_path / "blog.xml"
    path.write_text(W.document(W.post(1, W.comment(11))))
    placeholder = ImportRun.objects.create(format="wordpress")
    next_id = placeholder.pk + 1  # the command's own run's
    placeholder.delete()
    asked = settings.MEDIA_ROOT / "imports" / "cancel" / str(next_id)
    asked.parent.mkdir(parents=True)
    asked.write_text(f"{admin_user.pk} {timezone.now().isoformat()}")
    with pytest.raises(CommandError, match=r"blog.xml: cancelled from the admin\. Nothing was"):
        call_command("import_wordpress", str(path), "--no-progress")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.cancelled_by == admin_user
    assert Comment.objects.count() == 0 and not asked.exists()


@pytest.mark.django_db(transaction=True)
def test_a_queued_run_cancelled_while_another_import_writes(admin_client, admin_user):
    """A queued run is cancelled while another import is being stored. On SQLite that
    import holds the one write lock: the answer comes at once and says the run was not
    cancelled and why (it waited 20 s for the lock and failed with an error page). On
    PostgreSQL it is cancelled at once, as ever."""
    queued = stored_run(admin_user)
    running = stored_run(admin_user)
    with import_held(running):
        answer = shown(admin_client.post(cancel_url(queued), follow=True))
    queued.refresh_from_db()
    if connection.vendor == "sqlite":
        assert f"Import {queued.pk} was not cancelled: another import is being stored" in answer
        assert queued.status == ImportRun.Status.QUEUED and queued.cancelled_at is None
    else:
        assert f"Import {queued.pk} was cancelled before it started" in answer
        assert queued.status == ImportRun.Status.FAILED and queued.cancelled_by == admin_user
