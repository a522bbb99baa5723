"""The import's fast ways of working store exactly what the plain ones do: reading in a
child process or in a thread; and the comment tables keep only indexes some query needs."""

import io
import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from comments.models import Comment, Thread
from transfer.models import SourceRecord
from transfer.records import ReadStats, SourceFileError
from transfer.services import read_ahead as reading
from transfer.services.read_ahead import PrepareFlag, read_ahead
from transfer.wxr_reader import WxrReader

from . import wxr_build as W

pytestmark = pytest.mark.django_db

TEXTS = [
    "Plain words, nothing more.",
    "Two lines\nof plain words.\n\nAnd a second paragraph.",
    'See <a href="https://example.org/notes">my notes</a> &amp; more.',
    "It&#8217;s <strong>true</strong>, <em>really</em>.",
    "<blockquote>quoted words</blockquote>\nand an answer",
    '<p onclick="x()">Hi</p><script>alert(1)</script> <a href="javascript:alert(2)">x</a>',
    "Олена каже: так 🌻 &lt;not a tag&gt;",
]


def _export(path):
    """One post with threads nested deeper than PARLEY_THREAD_DEPTH, every status, HTML and
    plain words, a pingback, a reply to a missing parent and addresses good and bad; and a
    second post."""
    statuses = ["1", "0", "spam", "trash", "1", "1"]
    ips = ["203.0.113.5", " 2001:DB8:0::17 ", "not an address", "", "198.51.100.250"]
    comments = "".join(
        W.comment(
            n, parent=0 if n % 7 == 1 else n - 1, text=TEXTS[n % len(TEXTS)],
            status=statuses[n % len(statuses)], ip=ips[n % len(ips)],
            date=f"2021-03-04 10:{n:02d}:00", name=f"Reader {n} Weiß",
        )
        for n in range(1, 40)
    )  # fmt: skip
    comments += W.comment(90, kind="pingback") + W.comment(91, parent=777)
    return W.write(
        path, W.post(1, comments), W.post(2, W.comment(100) + W.comment(101, parent=100))
    )


def _import(path, *args) -> list[str]:
    out = io.StringIO()
    call_command("import_wordpress", str(path), "--no-progress", *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if not line.startswith(("Took", "Users"))]


def _stored() -> dict:
    """Every imported comment and thread by source id, ids left out."""
    source_of = dict(
        SourceRecord.objects.filter(kind="comment").values_list("object_id", "source_id")
    )
    comments = {
        source_of[c["pk"]]: {
            **{k: v for k, v in c.items() if k not in ("pk", "parent_id", "thread_id")},
            "parent": source_of[c["parent_id"]],
            "thread": source_of[c["thread_id"]],
        }
        for c in Comment.objects.values(
            "pk", "parent_id", "thread_id", "level", "order", "nested_count", "status",
            "user_name", "user_email", "user_url", "ip_address", "submit_date", "comment",
            "comment_html", "text_hash", "is_public", "is_removed", "author_key",
            "article__slug", "upvotes", "picked_at", "submission_meta",
        )
    }  # fmt: skip
    threads = {
        source_of[t["root_id"]]: (t["listed"], t["published_count"], t["last_published_at"])
        for t in Thread.objects.values("root_id", "listed", "published_count", "last_published_at")
    }
    counts = dict(Article.objects.values_list("slug", "comment_count"))
    return {"comments": comments, "threads": threads, "counts": counts}


def _forget_the_import():
    Article.objects.all().delete()
    SourceRecord.objects.all().delete()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system")
def test_reading_in_a_child_process_stores_what_reading_in_a_thread_stores(tmp_path, monkeypatch):
    """A file read and prepared in a forked child gives the same rows and report."""
    path = _export(tmp_path / "blog.xml")
    monkeypatch.setattr(reading, "_fork_safe", lambda: False)
    in_thread = _import(path)
    stored = _stored()
    assert len(stored["comments"]) == 42 and "comment 91: its parent 777" in "\n".join(in_thread)

    _forget_the_import()
    monkeypatch.setattr(reading, "_fork_safe", lambda: True)
    assert _import(path, "--force") == in_thread
    assert _stored() == stored


@pytest.mark.parametrize("in_child", [False, True])
def test_a_bad_file_read_ahead_fails_with_its_line_either_way(tmp_path, monkeypatch, in_child):
    """Where the file breaks reaches the writer whichever way it was read."""
    if in_child and not hasattr(os, "fork"):
        pytest.skip("no fork() on this system")
    whole = W.document(W.post(1, W.comment(1) + W.comment(2)), W.post(2, W.comment(3)))
    path = tmp_path / "cut.xml"
    path.write_text(whole[: whole.index("<wp:comment_id>3")], encoding="utf-8")
    monkeypatch.setattr(reading, "_fork_safe", lambda: in_child)
    reader = WxrReader(path, stats=ReadStats())
    with pytest.raises(SourceFileError) as failure:
        list(read_ahead(reader, PrepareFlag()))
    assert failure.value.line == len(path.read_text().splitlines())
    assert str(failure.value).startswith(f"line {failure.value.line}: ")


@pytest.mark.parametrize("in_child", [False, True])
def test_the_reader_stops_when_the_writer_does(tmp_path, monkeypatch, in_child):
    """A writer that gives up after the first post leaves no reader behind."""
    if in_child and not hasattr(os, "fork"):
        pytest.skip("no fork() on this system")
    monkeypatch.setattr(reading, "READ_AHEAD", 1)  # the reader waits for room at once
    posts = [W.post(n, W.comment(n * 10) + W.comment(n * 10 + 1)) for n in range(1, 30)]
    path = W.write(tmp_path / "blog.xml", *posts)
    monkeypatch.setattr(reading, "_fork_safe", lambda: in_child)
    items = read_ahead(WxrReader(path, stats=ReadStats()), PrepareFlag())
    first = next(item for item in items if hasattr(item, "comments"))
    assert first.comments[0].text_fields["comment"] == "Comment 10 says something."
    items.close()  # returns only once the reader is gone
    if in_child:
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)  # no child left, not even a finished one


def test_the_reader_forks_only_from_a_process_running_one_thread(monkeypatch):
    """A lock another thread holds would stay held in the child: then a thread reads."""
    monkeypatch.setattr(reading, "READ_IN_CHILD", True)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not reading._fork_safe()
    finally:
        release.set()
        other.join()


def test_comment_tables_keep_no_index_that_another_one_covers():
    """No index each comment written must update for nothing: none on a column that leads
    a composite index, and no LIKE copy of a column only ever compared whole."""
    with connection.cursor() as cursor:
        indexes = {
            (table, name): tuple(found["columns"])
            for table in ("comments_comment", "comments_thread")
            for name, found in connection.introspection.get_constraints(cursor, table).items()
            if found["index"] and not found["primary_key"]
        }
    columns = set(indexes.values())
    assert not [name for _, name in indexes if name.endswith("_like")]
    assert ("article_id",) not in columns and ("status",) not in columns
    assert {("article_id", "status"), ("status", "status_changed_at")} <= columns
    assert {("text_hash",), ("author_key",), ("article_id", "listed", "root_id")} <= columns
