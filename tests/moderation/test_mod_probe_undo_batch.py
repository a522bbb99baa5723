"""The undo bar takes back a whole bulk action at a cost that does not grow with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationEvent, Report
from moderation.services import comments_moderate, report_create

S = CommentStatus
pytestmark = pytest.mark.django_db


def test_undoing_a_bulk_action_costs_the_same_queries_for_5_as_for_20(
    client, moderator, article, post, django_capture_on_commit_callbacks
):
    """No query per decision undone, what follows the commit included."""
    client.force_login(moderator)
    counts = []
    for size in (1, 5, 20):  # the first warms the caches every request reads
        ids = [post(article, status=S.HELD).pk for _ in range(size)]
        events = comments_moderate(comment_ids=ids, action="approve", actor=moderator)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            client.post(reverse("moderation:undo"), {"events": events})
        counts.append(len(queries))
    assert counts[1] == counts[2], counts[1:]


def test_a_bulk_undo_undoes_what_it_can_and_says_why_not_the_rest(
    client, moderator, make_user, article, post
):
    """Each comment still as the decision left it goes back, with its reports reopened and
    its event marked undone; one another moderator moved since stays, and the moderator is
    told so."""
    comments = [post(article, f"Bulk {n}", status=S.HELD) for n in range(3)]
    reported = post(article, "Reported one")
    report_create(comment_id=reported.pk, user=make_user(), ip_address=None, reason="abuse")
    events = comments_moderate(
        comment_ids=[c.pk for c in comments] + [reported.pk], action="remove", actor=moderator
    )
    moved = comments[0]
    comments_moderate(comment_ids=[moved.pk], action="approve", actor=make_user("other"))

    client.force_login(moderator)
    response = client.post(reverse("moderation:undo"), {"events": events}, follow=True)

    statuses = {c.pk: c.status for c in (*comments, reported) if not c.refresh_from_db()}
    assert statuses == {
        moved.pk: S.PUBLISHED,
        comments[1].pk: S.HELD,
        comments[2].pk: S.HELD,
        reported.pk: S.PUBLISHED,
    }
    assert Report.objects.get(comment=reported).resolved_at is None
    assert ModerationEvent.objects.filter(pk__in=events, undone_at__isnull=False).count() == 3
    said = [str(m) for m in response.context["messages"]]
    assert "Undid 3 decisions." in said
    assert "The comment has changed since; undo it from its current state." in said


def test_an_event_named_twice_or_not_undoable_is_refused_not_failed(
    client, moderator, article, post
):
    """A second undo of the same decision is refused with the reason; nothing breaks."""
    comment = post(article, status=S.HELD)
    [event] = comments_moderate(comment_ids=[comment.pk], action="spam", actor=moderator)
    client.force_login(moderator)
    client.post(reverse("moderation:undo"), {"events": [event]}, follow=True)
    response = client.post(reverse("moderation:undo"), {"events": [event, 999999]}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Only a moderator's decision can be undone, and only once."]
    comment.refresh_from_db()
    assert comment.status == S.HELD
