"""Deleting all of a reader's comments, from "My comments" or by erasing their data, costs
the same few statements for 3 comments as for 20, and each ends as one deleted alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus
from moderation.models import ModerationEvent
from readers.services import reader_data_erase

S = CommentStatus
pytestmark = pytest.mark.django_db


def comments_by(user, article, post, size: int) -> list[Comment]:
    """`size` comments by the account, published and held, the first with a reply."""
    mine = [
        post(article, f"Mine {size}-{n}", user=user, status=S.HELD if n % 3 else S.PUBLISHED)
        for n in range(size)
    ]
    post(article, "Someone else's answer", reply_to=mine[0].pk)
    return mine


def deleted_alone(comment: Comment) -> None:
    """As comment_delete leaves one: deleted, words and details gone, audited as the
    author's, the thread whole under it."""
    comment.refresh_from_db()
    assert comment.status == S.DELETED
    assert (comment.comment, comment.comment_html, comment.user_name) == ("", "", "")
    assert ModerationEvent.objects.filter(
        comment=comment, to_status=S.DELETED, actor_label="author"
    ).exists()


def test_deleting_all_my_comments_costs_the_same_for_3_as_for_20(client, make_user, article, post):
    counts = []
    for size in (2, 3, 20):  # the first warms the caches every request reads
        reader = make_user()
        mine = comments_by(reader, article, post, size)
        client.force_login(reader)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("readers:my_comments_delete_all"), {"confirm": "on"}, follow=True
            )
        counts.append(len(queries))
        assert f"Deleted {size} comments." in [str(m) for m in response.context["messages"]]
        for comment in mine:
            deleted_alone(comment)
        reply = Comment.objects.get(parent_id=mine[0].pk, user_name="Reader")
        assert reply.status == S.PUBLISHED
    article.refresh_from_db()
    assert article.comment_count == 3  # the answers by someone else
    assert counts[1] == counts[2], counts


def test_erasing_a_readers_data_deletes_their_comments_at_a_fixed_cost(make_user, article, post):
    counts = []
    for size in (2, 3, 20):  # the first warms the caches every request reads
        reader = make_user()
        mine = comments_by(reader, article, post, size)
        with CaptureQueriesContext(connection) as queries:
            erased = reader_data_erase(user=reader)
        counts.append(len(queries))
        assert erased.comments == size
        for comment in mine:
            deleted_alone(comment)
            assert comment.author_key == ""
    assert counts[1] == counts[2], counts
