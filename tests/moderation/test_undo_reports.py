"""Undoing a decision reopens the reports the decision settled and no others: a report sent
after the decision's page was loaded, or after the decision, stays open for a moderator to
read, whatever the undo moves the comment back to."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import CommentStatus
from core.roles import MODERATORS_GROUP
from moderation.models import ModerationEvent, ModerationRules, Report, TrainingExample
from moderation.services import report_create
from tests.moderation.test_edited_since_loaded import queue_form

S = CommentStatus
pytestmark = pytest.mark.django_db


def reported(comment, ip):
    assert report_create(comment_id=comment.pk, user=None, ip_address=ip, reason="abuse")


def decide(client, tab, action, comment) -> str:
    """The moderator's button on the comment in `tab`; returns the undo bar's event ids."""
    fields = queue_form(client, tab)
    response = client.post(
        reverse("moderation:act"), {"item_action": f"{action}:{comment.pk}", **fields}
    )
    assert "undo=" in response.url
    client.get(response.url)  # the page with its undo bar and the decision's message
    return response.url.rpartition("undo=")[2]


def undo(client, undo_ids) -> list[str]:
    response = client.post(reverse("moderation:undo"), {"events_csv": undo_ids}, follow=True)
    return [str(m) for m in response.context["messages"]]


def test_undoing_a_hold_leaves_open_a_report_sent_after_it(client, moderator, article, post):
    """Held from the Reported tab (its one report read), reported again by another reader,
    then the hold undone: the comment is published again with both reports open, the new one
    never read by anyone."""
    comment = post(article, "Contested words")
    reported(comment, "198.51.100.1")
    client.force_login(moderator)
    undo_ids = decide(client, "reported", "hold", comment)
    reported(comment, "198.51.100.2")

    assert undo(client, undo_ids) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 2
    assert not Report.objects.filter(comment=comment, dismissed_by__isnull=False).exists()


def test_undoing_an_approval_leaves_open_a_report_the_page_did_not_show(
    client, moderator, article, post
):
    """A report sent after the Held tab was loaded stays open when the comment is approved
    from it; undoing the approval holds the comment again and still leaves that report
    open, with the one the approval settled reopened."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
    comment = post(article, "Held by a reader")
    reported(comment, "198.51.100.1")
    client.force_login(moderator)
    fields = queue_form(client, "held")
    reported(comment, "198.51.100.2")
    response = client.post(
        reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields}
    )
    undo_ids = response.url.rpartition("undo=")[2]
    client.get(response.url)
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1

    assert undo(client, undo_ids) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 2
    [undo_event] = ModerationEvent.objects.filter(comment=comment, reasons__0__code="undo")
    assert not Report.objects.filter(resolved_in=undo_event).exists()


def test_undoing_a_dismissal_that_published_leaves_open_a_report_sent_since(
    client, moderator, article, post
):
    """A dismissal publishes a comment reports held; a reader reports it again; the undo
    holds it again, reopens the dismissed reports and leaves the new one open."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
    comment = post(article, "Held by two readers")
    reported(comment, "198.51.100.1")
    reported(comment, "198.51.100.2")
    client.force_login(moderator)
    undo_ids = decide(client, "reported", "dismiss", comment)
    reported(comment, "198.51.100.3")  # one open report: below the hold, it stays published

    assert undo(client, undo_ids) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 3


def test_undoing_not_spam_settles_no_report_sent_while_it_was_published(
    client, moderator, article, post
):
    """Marked not spam, reported while published, then the decision undone: back in Spam,
    the report stays open (the Spam tab shows it), since the undo judged nothing."""
    comment = post(article, "Caught by the scorer", status=S.SPAM)
    client.force_login(moderator)
    undo_ids = decide(client, "spam", "not_spam", comment)
    reported(comment, "198.51.100.2")

    assert undo(client, undo_ids) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.SPAM
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1
    page = client.get(reverse("moderation:tab", args=["spam"])).content.decode()
    assert "1 open report" in page


def labels(comment) -> list[bool]:
    return list(TrainingExample.objects.filter(comment=comment).values_list("is_spam", flat=True))


def test_an_undone_decision_takes_its_label_for_the_spam_model_with_it(
    client, moderator, article, post
):
    """Marked spam from the Held tab, then undone: the spam model keeps no label from the
    click taken back, where it kept "spam"; a mark undone on a published comment does not
    turn into a "not spam" label either."""
    held = post(article, "Held words", status=S.HELD)
    published = post(article, "Published words")
    client.force_login(moderator)
    undo_held = decide(client, "held", "spam", held)
    undo_published = decide(client, "published", "spam", published)
    assert labels(held) == [True] and labels(published) == [True]

    assert undo(client, f"{undo_held},{undo_published}") == ["Undid 2 decisions."]

    assert labels(held) == [] and labels(published) == []


def test_undoing_a_later_decision_gives_back_the_label_of_the_earlier_one(
    client, moderator, article, post
):
    """Approved, later marked spam, and that mark undone: the approval stands, and so does
    its label, "not spam"."""
    held = post(article, "Held words", status=S.HELD)
    client.force_login(moderator)
    decide(client, "held", "approve", held)
    undo_ids = decide(client, "published", "spam", held)
    assert labels(held) == [True]

    assert undo(client, undo_ids) == ["Undid 1 decision."]

    held.refresh_from_db()
    assert held.status == S.PUBLISHED
    assert labels(held) == [False]


def test_a_bulk_undo_says_how_many_comments_had_changed(
    client, moderator, make_user, article, post
):
    """Three comments marked spam together, two of them approved by another moderator
    since: the undo takes back the third and says two had changed, not "The comment"."""
    comments = [post(article, f"Held {n}", status=S.HELD) for n in range(3)]
    client.force_login(moderator)
    fields = queue_form(client, "held")
    response = client.post(
        reverse("moderation:act"),
        {"action": "spam", "ids": [c.pk for c in comments], **fields},
    )
    undo_ids = response.url.rpartition("undo=")[2]
    client.get(response.url)
    other = Client()
    other.force_login(make_user("other_moderator", groups=[MODERATORS_GROUP]))
    for comment in comments[:2]:
        other.post(reverse("moderation:act"), {"item_action": f"not_spam:{comment.pk}"})

    assert undo(client, undo_ids) == [
        "Undid 1 decision.",
        "2 comments have changed since; undo each from its current state.",
    ]


def test_undoing_an_undo_puts_the_decision_back_with_its_reports_and_label(
    client, moderator, article, post
):
    """Marked spam from the Reported tab, undone, reported again, then the undo undone from
    the log: the comment is spam again, the report the decision had settled is closed again,
    the one sent since stays open, the spam label is back, and the log says so; undoing that
    in turn reopens the report and takes the label away again."""
    comment = post(article, "Contested words")
    reported(comment, "198.51.100.1")
    client.force_login(moderator)
    decision = int(decide(client, "reported", "spam", comment))
    assert undo(client, str(decision)) == ["Undid 1 decision."]
    [settled] = open_reports(comment)
    assert labels(comment) == []
    reported(comment, "198.51.100.2")
    [sent_since] = set(open_reports(comment)) - {settled}
    first_undo = ModerationEvent.objects.get(reasons__0__code="undo")

    assert undo(client, str(first_undo.pk)) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.SPAM
    assert open_reports(comment) == [sent_since]
    assert labels(comment) == [True]
    redo = ModerationEvent.objects.get(reasons__0__code="redo")
    log = client.get(reverse("moderation:log")).content.decode()
    assert f"redo of decision #{decision}: 1 report closed again" in log

    assert undo(client, str(redo.pk)) == ["Undid 1 decision."]

    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED
    assert sorted(open_reports(comment)) == sorted([settled, sent_since])
    assert labels(comment) == []


def open_reports(comment) -> list[int]:
    return list(
        Report.objects.filter(comment=comment, resolved_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
