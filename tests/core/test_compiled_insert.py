"""core.db_insert.CompiledInsert: a new comment's rows, inserted by SQL compiled once, are
the rows save() would have written, and the instance ends up as save() leaves it."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import signals
from django.db.models.functions import Now
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_comments.models import Comment as DjangoComment
from django_comments_xtd.models import XtdComment

from articles.models import Article
from comments.models import Comment, Thread, comment_insert, thread_insert
from core.db_insert import CompiledInsert

pytestmark = pytest.mark.django_db

POSTED = timezone.now() - timedelta(minutes=3)


def _new(article, **overrides) -> Comment:
    fields = {
        "article": article,
        "content_type": ContentType.objects.get_for_model(Article),
        "object_pk": str(article.pk),
        "site_id": 1,
        "user_name": "Ada",
        "user_email": "ada@example.org",
        "user_url": "https://example.org/ada",
        "comment": "Words about the grid, *with* markdown.",
        "comment_html": "<p>Words about the grid, <em>with</em> markdown.</p>",
        "text_hash": "f" * 40,
        "submit_date": POSTED,
        "ip_address": "192.0.2.7",
        "user_agent": "Browser/1.0",
        "submission_meta": {"browser": "b1", "form_seconds": 12, "nested": [1, "two"]},
        "followup": True,
        "author_key": "key-1",
        "status": "held",
        "is_public": False,
        "is_removed": False,
        "thread_id": 0,
        "parent_id": 0,
        "level": 0,
        "order": 1,
    }
    return Comment(**{**fields, **overrides})


def _stored(comment_id: int) -> dict:
    """Every column of the comment's three rows, but its ids."""
    rows = {}
    for model in (DjangoComment, XtdComment, Comment):
        row = model.objects.filter(pk=comment_id).values().get()
        rows[model._meta.db_table] = {
            name: value
            for name, value in row.items()
            if name not in ("id", "comment_ptr_id", "xtdcomment_ptr_id", "thread_id", "parent_id")
        }
    return rows


def test_the_rows_are_those_save_writes(article):
    saved, inserted = _new(article), _new(article)
    saved.save(force_insert=True)
    comment_insert(inserted)
    assert inserted.pk is not None and inserted.pk != saved.pk
    expected, got = _stored(saved.pk), _stored(inserted.pk)
    for table, row in expected.items():
        assert {k: v for k, v in got[table].items() if row[k] != v} == {}, table
    # A new thread is its own thread and parent, as with save().
    assert (inserted.thread_id, inserted.parent_id) == (inserted.pk, inserted.pk)
    stored = Comment.objects.get(pk=inserted.pk)
    assert (stored.thread_id, stored.parent_id) == (inserted.pk, inserted.pk)
    assert inserted.comment_ptr_id == inserted.xtdcomment_ptr_id == inserted.pk
    assert stored.submission_meta == {"browser": "b1", "form_seconds": 12, "nested": [1, "two"]}
    assert not inserted._state.adding and inserted._state.db == "default"


def test_a_reply_keeps_its_place_and_a_missing_date_is_set(article):
    root = _new(article)
    comment_insert(root)
    reply = _new(
        article, thread_id=root.pk, parent_id=root.pk, level=1, order=2, submit_date=None,
        ip_address=None, user_url="",
    )  # fmt: skip
    before = timezone.now()
    comment_insert(reply)
    stored = Comment.objects.get(pk=reply.pk)
    assert (stored.thread_id, stored.parent_id, stored.level, stored.order) == (
        root.pk,
        root.pk,
        1,
        2,
    )
    assert stored.ip_address is None
    assert before <= stored.submit_date <= timezone.now()


def test_compiled_once_then_three_inserts_and_the_save_signals(article):
    comment_insert(_new(article))  # compiles, if no earlier test on this connection did
    compiled = []
    original = SQLInsertCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    sent = []

    def pre(sender, instance, **kwargs):
        sent.append(("pre", sender, instance.pk))

    def post(sender, instance, created, **kwargs):
        sent.append(("post", sender, instance.pk, created))

    signals.pre_save.connect(pre, sender=Comment)
    signals.post_save.connect(post, sender=Comment)
    SQLInsertCompiler.as_sql = counting
    try:
        comment = _new(article)
        with CaptureQueriesContext(connection) as queries:
            comment_insert(comment)
    finally:
        SQLInsertCompiler.as_sql = original
        signals.pre_save.disconnect(pre, sender=Comment)
        signals.post_save.disconnect(post, sender=Comment)
    assert compiled == []
    inserts = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 3
    assert sent == [("pre", Comment, None), ("post", Comment, comment.pk, True)]


def test_an_expression_or_a_stored_instance_goes_through_save(article):
    comment = _new(article, submit_date=Now())
    comment_insert(comment)
    stored = Comment.objects.get(pk=comment.pk)
    assert abs(stored.submit_date - timezone.now()) < timedelta(minutes=1)
    # Stored already: save() decides (an insert of the same id would fail).
    with pytest.raises(Exception):  # noqa: B017 - whichever IntegrityError the backend raises
        comment_insert(stored)


def test_a_model_that_cannot_compile_still_saves(article):
    class Broken(CompiledInsert):
        def _table_compile(self, connection, model):
            raise ValueError("cannot")

    comment = _new(article)
    Broken(Comment, before_table=Comment._table_prepare)(comment)
    assert Comment.objects.filter(pk=comment.pk, thread_id=comment.pk).exists()


def test_a_thread_keyed_by_its_root_is_inserted_compiled(article):
    root = _new(article)
    comment_insert(root)
    thread_insert(Thread(root=root, article_id=article.pk, listed=True, published_count=1))
    compiled = []
    original = SQLInsertCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    other = _new(article)
    comment_insert(other)
    SQLInsertCompiler.as_sql = counting
    try:
        thread_insert(Thread(root=other, article_id=article.pk, listed=False))
    finally:
        SQLInsertCompiler.as_sql = original
    assert compiled == []
    assert Thread.objects.get(pk=other.pk).listed is False
    assert Thread.objects.get(pk=root.pk).published_count == 1
