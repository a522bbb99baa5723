"""A guest posting, or another import, while a backup is restored on PostgreSQL: the ids
the restore keeps and the ids the others take never meet (transfer.services.comment_ids).
On SQLite the restore's transaction holds the database's one write lock from its BEGIN
(IMMEDIATE), so no other writer runs beside it at all."""

import json
import threading
from pathlib import Path

import pytest
from django.db import connection
from django_comments.models import Comment as BaseComment

from comments.models import Comment, CommentStatus
from tests.support import wait_until
from tests.transfer.test_json_backup_ids import backup_file, restored_ids
from transfer.services.importing import import_file
from transfer.services.one_import import IMPORT_LOCK

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

# The advisory lock the restore's nextval() waits on once it has its id.
PAUSE = 724_001
TABLE = BaseComment._meta.db_table


class NextvalPaused:
    """On this connection, nextval() takes its id and then waits for the advisory lock
    PAUSE: a function of that name on the search path before pg_catalog's. Whoever holds
    the lock holds the restore right after its nextval(), for as long as it likes."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION public.nextval(regclass) RETURNS bigint "
                "LANGUAGE plpgsql AS $$ DECLARE taken bigint := pg_catalog.nextval($1); "
                f"BEGIN PERFORM pg_advisory_lock({PAUSE}); PERFORM pg_advisory_unlock({PAUSE}); "
                "RETURN taken; END $$"
            )
            cursor.execute("SET search_path TO public, pg_catalog")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("RESET search_path")
            cursor.execute("DROP FUNCTION public.nextval(regclass)")


def asked(sql: str, params: list) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def restore_waits() -> bool:
    """Whether a connection waits for the advisory lock PAUSE (the restore, paused)."""
    return asked(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND objid = %s)",
        [PAUSE],
    )


def taker_waits() -> bool:
    """Whether a connection waits for a lock on the comments' table (the other taker of
    ids, held off) or for the import lock (another import, which waits for the whole
    restore: transfer.services.one_import)."""
    return asked(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND (relation = %s::regclass"
        " OR (locktype = 'advisory' AND objid = %s)))",
        [TABLE, IMPORT_LOCK],
    )


def other_backup(tmp_path) -> str:
    """Another site's backup that keeps no ids (no comment_id_max): its comments take
    fresh ids from the sequence."""
    folder = tmp_path / "other"
    folder.mkdir()
    path = Path(backup_file(folder, [{"id": 1, "text": "From the other site."}]))
    document = json.loads(path.read_text())
    document["site"], document["articles"][0]["slug"] = "https://other.example", "other"
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.parametrize("taker", ["guest post", "other import"])
def test_ids_taken_between_the_restores_nextval_and_setval_are_none_it_keeps(
    make_article, post, tmp_path, taker
):
    """A comment posted, or another file imported, just after the restore took the
    sequence's next id and before it moved the sequence past the backup's ids, gets an id
    above them all: every backup comment keeps its id and the other comment is stored too,
    each under its own id."""
    article = make_article(title="Here")
    used = post(article, "Here first.").pk
    backup_ids = {"kept first": used + 1, "kept second": used + 2, "kept third": used + 3}
    path = backup_file(
        tmp_path,
        [{"id": pk, "text": words} for words, pk in backup_ids.items()],
        comment_id_max=used + 5,
    )
    other_path = other_backup(tmp_path)
    holding, failures = threading.Event(), []

    def take() -> None:
        try:
            if taker == "guest post":
                post(article, "Sent during the restore.", status=CommentStatus.PENDING)
            else:
                import_file(path=other_path, format="json")
        except Exception as error:  # told by the main thread's assertions
            failures.append(error)
        finally:
            connection.close()

    def conductor() -> None:
        """Hold the restore just after its nextval(), take an id meanwhile, then let the
        restore go on once that is done or waits for it."""
        taking = threading.Thread(target=take)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [PAUSE])
            holding.set()
            wait_until(restore_waits, 30, "the restore to take its first id")
            taking.start()
            wait_until(lambda: not taking.is_alive() or taker_waits(), 30, "the other taker")
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()  # lets the restore go on: the advisory lock was this session's
        if taking.ident is not None:
            taking.join(timeout=30)

    conducting = threading.Thread(target=conductor)
    conducting.start()
    assert holding.wait(timeout=30)
    try:
        with NextvalPaused():
            import_file(path=path, format="json")
    finally:
        conducting.join(timeout=60)

    assert not failures, failures
    assert restored_ids() == backup_ids
    words = "Sent during the restore." if taker == "guest post" else "From the other site."
    assert Comment.objects.get(comment=words).pk > used + 5
