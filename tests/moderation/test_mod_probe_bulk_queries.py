"""A moderator's action on a selection costs the same queries for 5 comments as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationEvent, Report, TrainingExample

S = CommentStatus
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["approve", "spam", "remove"])
def test_a_bulk_action_costs_the_same_queries_however_many_are_selected(
    client, moderator, article, post, action, django_capture_on_commit_callbacks
):
    """Select-all on a queue page is one decision: no query per comment, and what follows
    its commit (signals, page refresh) included."""
    client.force_login(moderator)
    counts = []
    for size in (1, 5, 20):  # the first warms the caches every request reads
        ids = [post(article, status=S.HELD).pk for _ in range(size)]
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            client.post(
                reverse("moderation:act"),
                {"action": action, "ids": ids, "seen": [f"{pk}:held" for pk in ids]},
            )
        counts.append(len(queries))
    assert counts[1] == counts[2], counts[1:]


def test_a_bulk_decision_records_for_each_comment_what_one_decision_does(
    client, moderator, make_user, article, post
):
    """Each comment of the selection gets its event, its label for the spam model (a label
    from an earlier decision corrected) and its open reports resolved by that event; one
    that moved on since the page was loaded is left alone."""
    from moderation.services import comments_moderate, report_create

    comments = [post(article, f"Selected comment {n}", status=S.HELD) for n in range(3)]
    labelled, reported, moved = comments
    comments_moderate(comment_ids=[labelled.pk], action="not_spam", actor=moderator)
    comments_moderate(comment_ids=[labelled.pk], action="hold", actor=moderator)
    report_create(comment_id=reported.pk, user=make_user(), ip_address=None, reason="spam")
    comments_moderate(comment_ids=[moved.pk], action="remove", actor=make_user("other"))

    client.force_login(moderator)
    client.post(
        reverse("moderation:act"),
        {
            "action": "spam",
            "ids": [c.pk for c in comments],
            "seen": [f"{c.pk}:held" for c in comments],
        },
    )

    for comment in (labelled, reported):
        comment.refresh_from_db()
        assert comment.status == S.SPAM
        example = TrainingExample.objects.get(comment=comment)
        assert (example.is_spam, example.text) == (True, comment.comment)
    event = ModerationEvent.objects.get(comment=reported, to_status=S.SPAM)
    report = Report.objects.get(comment=reported)
    assert report.resolved_in_id == event.pk
    assert report.resolved_at is not None
    moved.refresh_from_db()
    assert moved.status == S.REMOVED
    assert not TrainingExample.objects.filter(comment=moved).exists()
