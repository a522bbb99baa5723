"""Two imports at once: the second waits for the first to end, then adds only what is new,
instead of failing on the first one's rows with a message that blames its file."""

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_comments.models import Comment as BaseComment

from comments.models import Comment
from tests.support import wait_until
from tests.transfer.wxr_build import comment, document, post
from transfer.models import ImportRun
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db(transaction=True)


def export_file(tmp_path) -> str:
    path = tmp_path / "blog.xml"
    path.write_text(document(post(1, comment(11) + comment(12, parent=11))))
    return str(path)


def asked(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def imported(path: str):
    """Import the file on this thread's own connection, closed after."""
    try:
        return import_file(path=path, format="wordpress")
    finally:
        connection.close()


@pytest.mark.postgresql
def test_a_second_import_on_postgresql_waits_and_then_finds_the_first_ones_rows(tmp_path):
    """The same file imported twice at once: the second waits while the first is writing,
    then recognises every row the first stored; neither fails, nothing is doubled."""
    path = export_file(tmp_path)
    table = BaseComment._meta.db_table
    waiting = "SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
    with ThreadPoolExecutor(max_workers=2) as pool:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                # Holds the first import inside its transaction, its author and article
                # stored, just before it takes its comments' ids.
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
                first = pool.submit(imported, path)
                wait_until(lambda: asked(waiting, []) >= 1, 30, "the first import to write")
                second = pool.submit(imported, path)
                wait_until(lambda: asked(waiting, []) >= 2, 30, "the second import to wait")
            finally:
                cursor.execute("COMMIT")
        first.result(timeout=60)
        second.result(timeout=60)  # raised "the file gives one id to two comments"

    runs = list(ImportRun.objects.order_by("pk"))
    assert [run.status for run in runs] == [ImportRun.Status.DONE] * 2
    assert [sum(run.report["comments_added"].values()) for run in runs] == [2, 0]
    assert runs[1].report["comments_already_imported"] == 2
    assert Comment.objects.count() == 2


@pytest.mark.sqlite
def test_a_second_import_on_sqlite_waits_for_the_write_lock_longer_than_a_request(
    tmp_path, settings
):
    """On SQLite, an import started while another writer holds the database past the
    connection's busy timeout waits for it instead of failing with "database is locked"."""
    path = export_file(tmp_path)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")  # a request's 20 s, made short
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another import, writing
    released = threading.Timer(1.0, holder.commit)  # five busy timeouts later
    released.start()
    try:
        report = import_file(path=path, format="wordpress")
    finally:
        released.join()
        holder.close()

    assert report.comments_total == 2
    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    assert asked("PRAGMA busy_timeout", []) == 200  # set back for the connection's next user


def other_import_running():
    from django.utils import timezone

    return ImportRun.objects.create(
        format="disqus", file_name="old.xml", status="running", started_at=timezone.now()
    )


def waiting_note(run) -> str:
    return (
        f"Waiting for another import to finish: Disqus XML import {run.pk} (old.xml), running "
        "since "
    )


@pytest.mark.sqlite
def test_a_command_waiting_for_another_import_on_sqlite_says_which(tmp_path, settings):
    """The command says which import it waits for, instead of a progress bar stalled at 0
    with no word, then imports once that one ends."""
    import io

    from django.core.management import call_command

    path = export_file(tmp_path)
    other = other_import_running()
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the other import, writing
    released = threading.Timer(1.0, holder.commit)
    released.start()
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", path, stdout=out, stderr=err)
    finally:
        released.join()
        holder.close()
    assert waiting_note(other) in err.getvalue()
    assert "started by the command line. Imports run one at a time" in err.getvalue()
    assert Comment.objects.count() == 2


@pytest.mark.postgresql
def test_a_command_waiting_for_another_import_on_postgresql_says_which(tmp_path, admin_user):
    """The same on PostgreSQL, where imports wait on their advisory lock."""
    import io

    import psycopg
    from django.core.management import call_command

    from transfer.services.one_import import IMPORT_LOCK

    path = export_file(tmp_path)
    other = other_import_running()
    ImportRun.objects.filter(pk=other.pk).update(started_by=admin_user)
    params = connection.get_connection_params()
    holder = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    holder.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])  # the other import
    err = io.StringIO()
    with ThreadPoolExecutor(max_workers=1) as pool:
        command = pool.submit(
            lambda: (call_command("import_wordpress", path, stderr=err), connection.close())
        )
        try:
            wait_until(
                lambda: asked("SELECT COUNT(*) FROM pg_locks WHERE NOT granted", []) >= 1,
                30,
                "the command to wait",
            )
            assert waiting_note(other) in err.getvalue()  # said while it waits
            assert Comment.objects.count() == 0
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])
            holder.close()
        command.result(timeout=60)
    assert waiting_note(other) in err.getvalue()
    assert f"started by {admin_user.username}." in err.getvalue()
    assert Comment.objects.count() == 2
