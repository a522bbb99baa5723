"""Dismissing readers' reports: the comment stays published, the dismissal is audited and
undoable, the message says what happened, and the Reported tab ages by its reports."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from comments.models import CommentStatus
from moderation import selectors_queue, services
from moderation.models import ModerationEvent, ModerationRules, Report
from moderation.services import comment_transition

S = CommentStatus
pytestmark = pytest.mark.django_db


def report(comment, reason="spam", *, user=None, ip="198.51.100.1", note=""):
    return services.report_create(
        comment_id=comment.pk, user=user, ip_address=ip, reason=reason, note=note
    )


@pytest.fixture
def reported(article, post):
    """A published comment with two open reports, below the hold threshold."""
    comment = post(article, "Pineapple belongs on pizza")
    report(comment, "off_topic", ip="198.51.100.1")
    report(comment, "abuse", ip="198.51.100.2", note="rude to pizza")
    return comment


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestDismissService:
    def test_dismissing_keeps_the_comment_published_and_records_who_and_when(
        self, reported, moderator
    ):
        """Dismissal resolves every open report, names the moderator, and audits it."""
        [event_id] = services.reports_dismiss(comment_ids=[reported.pk], actor=moderator)
        reported.refresh_from_db()
        assert reported.status == S.PUBLISHED
        event = ModerationEvent.objects.get(pk=event_id)
        assert (event.actor, event.from_status, event.to_status) == (
            moderator,
            S.PUBLISHED,
            S.PUBLISHED,
        )
        assert event.reasons == [
            {
                "code": "dismiss",
                "reason": "2 reports dismissed by a moderator",
                "params": {"count": 2},
            }
        ]
        reports = Report.objects.filter(comment=reported)
        assert {(r.dismissed_by, r.resolved_in_id, r.resolved_at) for r in reports} == {
            (moderator, event.pk, event.created_at)
        }
        reported_tab = selectors_queue.tab_queryset("reported")
        assert reported.pk not in reported_tab.values_list("pk", flat=True)

    def test_a_comment_held_by_reports_is_published_again(self, article, post, moderator):
        """Reports that held a comment, once dismissed, put it back where readers see it."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Held by readers")
        report(comment, ip="198.51.100.1")
        report(comment, ip="198.51.100.2")
        comment.refresh_from_db()
        assert comment.status == S.HELD
        [event_id] = services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        assert ModerationEvent.objects.get(pk=event_id).from_status == S.HELD
        assert Report.objects.filter(comment=comment, resolved_in_id=event_id).count() == 2

    def test_a_comment_held_for_another_reason_stays_held(self, client, moderator, reported):
        """Reports dismissed on a comment the scorer held since (after an edit) close, and the
        comment stays held for its own decision; the message says so."""
        comment_transition(comment_id=reported.pk, to_status=S.PENDING, actor_label="author")
        comment_transition(comment_id=reported.pk, to_status=S.HELD, actor_label="scorer")
        client.force_login(moderator)
        response = client.post(reverse("moderation:act"), {"item_action": f"dismiss:{reported.pk}"})
        reported.refresh_from_db()
        assert reported.status == S.HELD
        assert not Report.objects.filter(comment=reported, resolved_at__isnull=True).exists()
        assert messages_of(response) == [
            "Reports dismissed on 1 comment. 1 stays held for another reason: decide in the "
            "Held tab."
        ]
        [event] = ModerationEvent.objects.filter(comment=reported, actor=moderator)
        assert services.event_undo(event_id=event.pk, actor=moderator)
        assert Report.objects.filter(comment=reported, resolved_at__isnull=True).count() == 2

    def test_nothing_to_dismiss_writes_nothing(self, article, post, moderator):
        """A comment without open reports, or a removed one, gets no event."""
        quiet = post(article, "Nobody minds")
        removed = post(article, "Gone", status=S.REMOVED)
        Report.objects.create(comment=removed, reporter_key="ip:x", reason="spam")
        events = ModerationEvent.objects.count()
        assert services.reports_dismiss(comment_ids=[quiet.pk, removed.pk], actor=moderator) == []
        assert ModerationEvent.objects.count() == events

    def test_undo_reopens_exactly_the_dismissed_reports_once(self, reported, moderator):
        """Undo puts the comment back in the Reported tab, audited; a second undo is refused."""
        [event_id] = services.reports_dismiss(comment_ids=[reported.pk], actor=moderator)
        assert services.event_undo(event_id=event_id, actor=moderator)
        assert Report.objects.filter(comment=reported, resolved_at__isnull=True).count() == 2
        assert not Report.objects.filter(dismissed_by__isnull=False).exists()
        assert reported.pk in selectors_queue.tab_queryset("reported").values_list("pk", flat=True)
        undo_event = ModerationEvent.objects.filter(comment=reported).first()
        assert (
            undo_event.reasons[0]["reason"] == f"undo of decision #{event_id}: 2 reports reopened"
        )
        assert ModerationEvent.objects.get(pk=event_id).undone_at is not None
        with pytest.raises(services.UndoNotAllowed):
            services.event_undo(event_id=event_id, actor=moderator)
        with pytest.raises(services.UndoNotAllowed, match="dismissed again"):
            services.event_undo(event_id=undo_event.pk, actor=moderator)

    def test_the_log_offers_no_undo_of_an_undone_dismissal(self, reported, moderator, client):
        """The undo of a dismissal has nothing to reverse (its reports are dismissed again from
        the Reported tab), so the audit log offers no Undo button that could only refuse; a
        fresh dismissal still has one."""
        [event_id] = services.reports_dismiss(comment_ids=[reported.pk], actor=moderator)
        services.event_undo(event_id=event_id, actor=moderator)
        undo_event = ModerationEvent.objects.filter(comment=reported).first()
        [again] = services.reports_dismiss(comment_ids=[reported.pk], actor=moderator)
        client.force_login(moderator)
        html = client.get(reverse("moderation:log")).content.decode()
        assert f'id="event-{undo_event.pk}-what"' in html
        assert f'id="event-{undo_event.pk}-undo"' not in html
        assert f'id="event-{event_id}-undo"' not in html  # undone already
        assert f'id="event-{again}-undo"' in html

    def test_undoing_the_dismissal_of_a_held_comment_holds_it_again(self, article, post, moderator):
        """Undo of a dismissal that republished a comment holds it again, reports open."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
        comment = post(article, "Held by one reader")
        report(comment)
        [event_id] = services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        assert services.event_undo(event_id=event_id, actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.HELD
        assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1

    @pytest.mark.parametrize("action", ["remove", "approve", "spam"])
    def test_undoing_a_decision_reopens_the_reports_it_closed(
        self, article, post, moderator, action
    ):
        """Reports that held a comment, closed by a moderator's decision, open again when the
        decision is undone: the comment is back in the Reported tab with them, and a
        dismissal then publishes it, since the readers' hold is what the undo restored."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Held by readers")
        report(comment, ip="198.51.100.1")
        report(comment, ip="198.51.100.2")
        [event_id] = services.comments_moderate(
            comment_ids=[comment.pk], action=action, actor=moderator
        )
        assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
        assert services.event_undo(event_id=event_id, actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.HELD
        assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 2
        assert comment.pk in selectors_queue.tab_queryset("reported").values_list("pk", flat=True)
        [dismissal] = services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        assert services.action_summary(action="dismiss", event_ids=[dismissal]) == (
            "Reports dismissed on 1 comment. 1 of them had been held by reports and is "
            "published again."
        )

    def test_a_dismissal_undone_then_made_again_publishes_again(self, article, post, moderator):
        """Dismiss, undo, dismiss: the second dismissal publishes the comment, as the first
        did, instead of saying it is held for another reason."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
        comment = post(article, "Held by one reader")
        report(comment)
        [first] = services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        assert services.event_undo(event_id=first, actor=moderator)
        [second] = services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        assert ModerationEvent.objects.get(pk=second).to_status == S.PUBLISHED

    def test_after_dismissal_new_readers_count_afresh_and_old_ones_cannot_repeat(
        self, article, post, moderator
    ):
        """Dismissed reports no longer count; the same reader cannot report again, new ones can."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Debatable")
        report(comment, ip="198.51.100.1")
        services.reports_dismiss(comment_ids=[comment.pk], actor=moderator)
        assert not report(comment, ip="198.51.100.1")
        assert report(comment, ip="198.51.100.3")
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED  # one open report, not two
        assert report(comment, ip="198.51.100.4")
        comment.refresh_from_db()
        assert comment.status == S.HELD


class TestReportedTab:
    def test_the_tab_offers_dismissal_and_shows_reasons_and_the_oldest_report(
        self, client, moderator, reported
    ):
        """Each reported item shows its reports' reasons and notes, the oldest one's age, and
        a Dismiss button; Approve (which would change nothing) is not offered."""
        Report.objects.filter(comment=reported, reason="off_topic").update(
            created_at=timezone.now() - timedelta(days=3)
        )
        client.force_login(moderator)
        html = client.get(reverse("moderation:tab", args=["reported"])).content.decode()
        assert "2 open reports, the oldest sent" in html and "3\xa0days ago" in html
        assert "Off topic" in html and "Abusive or hateful" in html
        assert "<q>rude to pizza</q>" in html
        assert f'value="dismiss:{reported.pk}"' in html
        assert f'value="approve:{reported.pk}"' not in html
        assert 'value="dismiss" class="button button-secondary">Dismiss reports selected' in html

    def test_the_tab_ages_by_the_oldest_open_report_not_the_comment(self, article, post, reported):
        """A month-old comment reported an hour ago has waited an hour."""
        from comments.models import Comment

        Comment.objects.filter(pk=reported.pk).update(
            submit_date=timezone.now() - timedelta(days=30)
        )
        Report.objects.filter(comment=reported).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
        summary = {t.key: t for t in selectors_queue.tab_summaries()}["reported"]
        assert summary.count == 1
        assert timedelta(minutes=59) < timezone.now() - summary.oldest < timedelta(minutes=61)

    def test_dismissing_through_the_queue_says_so_and_offers_undo(
        self, client, moderator, reported
    ):
        """The item's button dismisses, the message is true, and the audit log lists it."""
        client.force_login(moderator)
        response = client.post(
            reverse("moderation:act"),
            {
                "item_action": f"dismiss:{reported.pk}",
                "next": reverse("moderation:tab", args=["reported"]),
            },
        )
        assert messages_of(response) == ["Reports dismissed on 1 comment."]
        assert "undo=" in response["Location"]
        assert "Nothing here" in client.get(response["Location"]).content.decode()
        log = client.get(reverse("moderation:log")).content.decode()
        assert "2 reports dismissed by a moderator" in log

    def test_a_held_comment_dismissed_is_said_to_be_published_again(
        self, client, moderator, article, post
    ):
        """Bulk dismissal counts the comments, and says which went back to published."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
        held, published = post(article, "One"), post(article, "Two")
        report(held)
        Report.objects.create(comment=published, reporter_key="ip:y", reason="spam")
        client.force_login(moderator)
        response = client.post(
            reverse("moderation:act"), {"action": "dismiss", "ids": [held.pk, published.pk]}
        )
        assert messages_of(response) == [
            "Reports dismissed on 2 comments. 1 of them had been held by reports and is "
            "published again."
        ]

    def test_an_action_that_changes_nothing_says_so(self, client, moderator, article, post):
        """Approving a comment that is already published reports no change, not "0 approved"."""
        comment = post(article, "Already out")
        client.force_login(moderator)
        response = client.post(reverse("moderation:act"), {"item_action": f"approve:{comment.pk}"})
        assert messages_of(response) == [
            "Nothing changed: the comment by Reader was already published."
        ]
        response = client.post(reverse("moderation:act"), {"item_action": f"dismiss:{comment.pk}"})
        assert messages_of(response)[-1] == (
            "No reports dismissed: the selected comments have no open reports left."
        )

    def test_readers_cannot_dismiss(self, client, make_user, reported):
        """A signed-in reader gets 403 and the reports stay open."""
        client.force_login(make_user())
        response = client.post(reverse("moderation:act"), {"item_action": f"dismiss:{reported.pk}"})
        assert response.status_code == 403
        assert Report.objects.filter(comment=reported, resolved_at__isnull=True).count() == 2
