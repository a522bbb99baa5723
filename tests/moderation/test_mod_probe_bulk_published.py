"""A moderator's bulk action on published comments (the Recently published tab, search, an
undo of approvals): the threads' counts it leaves, and what it costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from moderation.services import comments_moderate

S = CommentStatus
pytestmark = pytest.mark.django_db


def _world(make_article, post) -> tuple[list[Article], list[Comment]]:
    """Two articles with published threads three levels deep, in a fixed order."""
    first, second = make_article(), make_article()
    root = post(first, "A root.")
    reply = post(first, "A reply.", reply_to=root.pk)
    deeper = post(first, "A reply to the reply.", reply_to=reply.pk)
    sibling = post(first, "Another reply to the reply.", reply_to=reply.pk)
    lonely = post(first, "A root nobody answered.")
    other = post(second, "A root on the other article.")
    other_reply = post(second, "Its reply.", reply_to=other.pk)
    return [first, second], [root, reply, deeper, sibling, lonely, other, other_reply]


def _state(articles: list[Article], comments: list[Comment]) -> list:
    """Every count a move changes, by position in the world (not by id)."""
    rows = Comment.objects.in_bulk([c.pk for c in comments])
    threads = Thread.objects.in_bulk([c.pk for c in comments])
    counts = Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("pk")
    state = [list(counts.values_list("comment_count", flat=True))]
    for comment in comments:
        row, thread = rows[comment.pk], threads.get(comment.pk)
        state.append(
            (
                row.status,
                row.is_public,
                row.nested_count,
                thread and (thread.published_count, thread.listed),
            )
        )
    return state


# Positions in the world: the reply with its two answers and the lonely root; then the
# first root's whole thread and the other article's root.
SELECTIONS = [(1, 2, 3, 4), (0, 1, 2, 3, 5)]


@pytest.mark.parametrize("chosen", SELECTIONS)
@pytest.mark.parametrize("action", ["remove", "spam", "hold"])
def test_a_bulk_action_leaves_the_counts_of_acting_one_by_one(
    make_article, post, moderator, chosen, action
):
    """Published-descendant counts, thread and article counts and whether a thread is
    listed are those that acting on each comment on its own leaves, and they undo alike."""
    batch_articles, batch = _world(make_article, post)
    single_articles, singles = _world(make_article, post)

    events = comments_moderate(
        comment_ids=[batch[n].pk for n in chosen], action=action, actor=moderator
    )
    for n in chosen:
        comments_moderate(comment_ids=[singles[n].pk], action=action, actor=moderator)

    assert len(events) == len(chosen)
    assert _state(batch_articles, batch) == _state(single_articles, singles)
    assert _state(batch_articles, batch)[0] != [5, 2]


def test_removing_published_comments_costs_the_same_queries_for_5_as_for_20(
    client, moderator, article, post, django_capture_on_commit_callbacks
):
    """Removing a selection of published replies is one decision: no query per comment."""
    client.force_login(moderator)
    root = post(article, "A root with many replies.")
    counts = []
    for size in (1, 5, 20):  # the first warms the caches every request reads
        ids = [post(article, reply_to=root.pk).pk for _ in range(size)]
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            client.post(
                reverse("moderation:act"),
                {"action": "remove", "ids": ids, "seen": [f"{pk}:published" for pk in ids]},
            )
        counts.append(len(queries))
    assert counts[1] == counts[2], counts[1:]
    root.refresh_from_db()
    assert root.nested_count == 0
