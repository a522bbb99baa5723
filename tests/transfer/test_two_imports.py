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
