"""A reply in its conversation (comments.selectors_context): the comments it answers, it,
and its replies; nothing of another thread, whatever ids the address carries."""

import pytest

from comments.models import Comment
from comments.selectors import THREAD_OF_COMMENT, Viewer, comment_page
from comments.selectors_context import comment_context_rows
from comments.selectors_marked import Marks

pytestmark = pytest.mark.django_db


def context_rows(thread_id: int, context_id: int) -> list[int]:
    marked = (
        Marks()
        .with_value("thread", thread_id, THREAD_OF_COMMENT)
        .with_value("context", context_id, Comment._meta.pk)
    )
    return [row.pk for row in comment_context_rows(marked, moderating=False)]


def test_a_reply_is_shown_with_the_comments_it_answers_and_its_own_replies(article, post):
    root = post(article, "Root")
    first = post(article, "First answer", reply_to=root.pk)
    deeper = post(article, "Deeper", reply_to=first.pk)
    below = post(article, "Below the deeper one", reply_to=deeper.pk)
    post(article, "Another branch", reply_to=root.pk)
    post(article, "Under the first answer, after", reply_to=first.pk)
    assert context_rows(root.pk, deeper.pk) == [root.pk, first.pk, deeper.pk, below.pk]


def test_a_reply_named_with_another_thread_brings_none_of_either(article, post):
    """?thread=A&context=B with B in thread C: no row of A is taken for B's conversation
    (A's comments at B's positions are not B's), and the page shows thread A whole."""
    threads = []
    for name in ("A", "C"):
        root = post(article, f"Root {name}")
        replies = [post(article, f"{name} reply {n}", reply_to=root.pk) for n in range(3)]
        threads.append((root, replies))
    (root_a, replies_a), (_, replies_c) = threads
    assert context_rows(root_a.pk, replies_c[1].pk) == []
    page = comment_page(
        article=article, viewer=Viewer(), thread_id=root_a.pk, context_id=replies_c[1].pk
    )
    assert page.context_id is None
    assert [row.pk for row in page.rows] == [root_a.pk, *(reply.pk for reply in replies_a)]
