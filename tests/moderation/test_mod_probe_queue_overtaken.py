"""A moderator's button on one queue item, pressed after another moderator decided on it."""

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.services import comments_moderate

S = CommentStatus
pytestmark = pytest.mark.django_db


def _press(client, comment, action, seen=S.HELD) -> list[str]:
    """Press one item's button on a queue page that showed the comment as `seen`."""
    response = client.post(
        reverse("moderation:act"),
        {"item_action": f"{action}:{comment.pk}", "seen": [f"{comment.pk}:{seen}"]},
        follow=True,
    )
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("other", "mine", "said"),
    [
        ("remove", "approve", "Nothing changed: the comment by Rita was removed after this page "
         "was loaded."),
        ("spam", "remove", "Nothing changed: the comment by Rita was marked spam after this page "
         "was loaded."),
        ("approve", "spam", "Nothing changed: the comment by Rita was published after this page "
         "was loaded."),
        ("approve", "approve", "Nothing changed: the comment by Rita was already published."),
        ("remove", "remove", "Nothing changed: the comment by Rita was already removed."),
    ],
)  # fmt: skip
def test_the_moderator_is_told_what_the_other_moderator_made_of_it(
    client, moderator, make_user, article, post, other, mine, said
):
    """Not "No comment approved: the selection was already in that state, or has moved
    on", which leaves them to find out which: what the comment has become, by name."""
    comment = post(article, "Borderline words", name="Rita", status=S.HELD)
    comments_moderate(comment_ids=[comment.pk], action=other, actor=make_user("colleague"))
    client.force_login(moderator)
    assert _press(client, comment, mine) == [said]


def test_a_comment_deleted_by_its_author_meanwhile_is_said_so(client, moderator, article, post):
    """Deleted by its author after the page was loaded (which erases the name with the
    words): said so, without "the comment by  was", in the queue and on the article page."""
    from readers.services import comment_delete

    comment = post(article, "Second thoughts", name="Rita", status=S.HELD)
    comment_delete(comment=comment)
    client.force_login(moderator)
    said = "Nothing changed: the comment was deleted by its author."
    assert _press(client, comment, "approve") == [said]
    answer = client.post(
        reverse("moderation:inplace", args=[comment.pk]),
        {"action": "approve", "seen": S.HELD},
        headers={"accept": "application/json"},
    )
    assert (answer.status_code, answer.json()["message"]) == (409, said)


def test_a_bulk_action_still_counts(client, moderator, make_user, article, post):
    """A selection is still answered with its counts."""
    held = [post(article, status=S.HELD) for _ in range(2)]
    comments_moderate(comment_ids=[held[0].pk], action="remove", actor=make_user("colleague"))
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:act"),
        {"action": "approve", "ids": [c.pk for c in held], "seen": [f"{c.pk}:held" for c in held]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "1 comment approved. 1 other was left as it was: it was already in that state, or had "
        "moved on since the page was loaded."
    ]
