"""Dismissing the reports on a selection of comments, and undoing that, costs the same for 5
as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationEvent, ModerationRules, Report
from moderation.services import comment_transition, report_create

S = CommentStatus
pytestmark = pytest.mark.django_db


def reported_selection(article, post, reader, size: int) -> list[int]:
    """`size` published comments, each with one open report."""
    ids = [post(article).pk for _ in range(size)]
    for comment_id in ids:
        report_create(comment_id=comment_id, user=reader, ip_address=None, reason="spam")
    return ids


def test_dismissing_a_selection_costs_the_same_queries_for_5_as_for_20(
    client, moderator, make_user, article, post, django_capture_on_commit_callbacks
):
    """The Reported tab's "Dismiss reports" on a selection: no query per comment."""
    client.force_login(moderator)
    reader = make_user()
    counts = []
    for size in (1, 5, 20):  # the first warms the caches every request reads
        ids = reported_selection(article, post, reader, size)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            client.post(reverse("moderation:act"), {"action": "dismiss", "ids": ids})
        counts.append(len(queries))
    assert counts[1] == counts[2], counts[1:]


def test_a_dismissed_selection_ends_as_each_comment_would_alone(
    client, moderator, make_user, article, post
):
    """Held by reports: published again; held by the scorer: stays held; published: stays;
    every report closed by its own comment's audited event, with who dismissed it."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
    by_reports, by_scorer, published = (post(article, f"Reported {n}") for n in range(3))
    comment_transition(comment_id=by_scorer.pk, to_status=S.HELD, actor_label="scorer")
    for comment in (by_reports, by_scorer):
        report_create(comment_id=comment.pk, user=make_user(), ip_address=None, reason="abuse")
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 0})
    for reason in ("abuse", "spam"):
        report_create(comment_id=published.pk, user=make_user(), ip_address=None, reason=reason)
    by_reports.refresh_from_db()
    assert by_reports.status == S.HELD

    client.force_login(moderator)
    response = client.post(
        reverse("moderation:act"),
        {"action": "dismiss", "ids": [c.pk for c in (by_reports, by_scorer, published)]},
        follow=True,
    )

    statuses = [c.status for c in (by_reports, by_scorer, published) if not c.refresh_from_db()]
    assert statuses == [S.PUBLISHED, S.HELD, S.PUBLISHED]
    for comment, reports in ((by_reports, 1), (by_scorer, 1), (published, 2)):
        event = ModerationEvent.objects.filter(comment=comment, reasons__0__code="dismiss").get()
        assert event.reasons[0]["params"]["count"] == reports
        closed = Report.objects.filter(comment=comment)
        assert {(r.resolved_in_id, r.dismissed_by_id) for r in closed} == {(event.pk, moderator.pk)}
    assert [str(m) for m in response.context["messages"]] == [
        "Reports dismissed on 3 comments. 1 of them had been held by reports and is published "
        "again. 1 stays held for another reason: decide in the Held tab."
    ]


def test_undoing_a_bulk_dismissal_costs_the_same_for_5_as_for_20(
    client, moderator, make_user, article, post
):
    """The undo bar after "Dismiss reports selected": no query per comment, each audited."""
    client.force_login(moderator)
    reader = make_user()
    counts = []
    for size in (1, 5, 20):  # the first warms the caches every request reads
        ids = reported_selection(article, post, reader, size)
        response = client.post(reverse("moderation:act"), {"action": "dismiss", "ids": ids})
        undo_ids = response.headers["Location"].rpartition("undo=")[2].split(",")
        assert len(undo_ids) == size
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("moderation:undo"), {"events": undo_ids}, follow=True)
        counts.append(len(queries))
        assert Report.objects.filter(comment_id__in=ids, resolved_at__isnull=True).count() == size
        undos = ModerationEvent.objects.filter(comment_id__in=ids, reasons__0__code="undo")
        assert sorted(undos.values_list("comment_id", flat=True)) == sorted(ids)
        assert {e.reasons[0]["params"]["count"] for e in undos} == {1}
        assert any(
            f"Undid {size} decision" in m for m in [str(m) for m in response.context["messages"]]
        )
    assert counts[1] == counts[2], counts
