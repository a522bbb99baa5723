"""Dismissing reports, or approving a reported comment, settles the reports the moderator's
page showed, not ones sent after it was loaded; removing a comment settles them all."""

import re

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationEvent, ModerationRules, Report
from moderation.services import report_create

S = CommentStatus
pytestmark = pytest.mark.django_db


def reported_by(comment, reader, reason="abuse"):
    report_create(comment_id=comment.pk, user=reader, ip_address=None, reason=reason)


def queue_form(client, tab="reported") -> dict[str, list[str]]:
    """The queue page's hidden fields, as the browser would send them back."""
    page = client.get(reverse("moderation:tab", args=[tab])).content.decode()
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="(seen|reports_shown)" value="([^"]*)"', page
    ):
        fields.setdefault(name, []).append(value)
    return fields


def messages_after(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def open_reasons(comment) -> list[str]:
    return list(
        Report.objects.filter(comment=comment, resolved_at__isnull=True).values_list(
            "reason", flat=True
        )
    )


def settled_by(comment, moderator, to_status) -> int:
    """How many reports on the comment the moderator's move of it to `to_status` settled."""
    comment.refresh_from_db()
    assert comment.status == to_status
    event = ModerationEvent.objects.get(comment=comment, to_status=to_status, actor=moderator)
    return Report.objects.filter(comment=comment, resolved_in=event).count()


APPROVED_WITH_ONE_LEFT_OPEN = (
    "1 comment approved. 1 report came in after the page was loaded: it stays open in the "
    "Reported tab."
)


def test_a_report_sent_after_the_page_was_loaded_stays_open(
    client, moderator, make_user, article, post
):
    """The moderator judged two reports; a third, about something else, arrived meanwhile."""
    comment = post(article, "A contested claim")
    reported_by(comment, make_user(), "off_topic")
    reported_by(comment, make_user(), "off_topic")
    client.force_login(moderator)
    fields = queue_form(client)
    assert len(fields["reports_shown"][0].split(",")) == 2
    reported_by(comment, make_user(), "abuse")  # after the page was loaded

    response = client.post(
        reverse("moderation:act"),
        {"item_action": f"dismiss:{comment.pk}", **fields},
        follow=True,
    )

    assert open_reasons(comment) == ["abuse"]
    event = ModerationEvent.objects.get(comment=comment, reasons__0__code="dismiss")
    assert event.reasons[0]["params"] == {"count": 2, "newer": 1}
    assert messages_after(response) == [
        "Reports dismissed on 1 comment. 1 report came in after the page was loaded: it stays "
        "open in the Reported tab, and its comment stays as it is."
    ]
    assert comment.pk in set(
        Report.objects.filter(resolved_at__isnull=True).values_list("comment_id", flat=True)
    )


def test_a_comment_held_by_reports_stays_held_while_a_newer_report_is_unread(
    client, moderator, make_user, article, post
):
    """Republishing it would put back before readers what the unread report is about."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
    comment = post(article, "Held by readers")
    reported_by(comment, make_user())
    reported_by(comment, make_user())
    comment.refresh_from_db()
    assert comment.status == S.HELD
    client.force_login(moderator)
    fields = queue_form(client)
    reported_by(comment, make_user(), "spam")

    response = client.post(
        reverse("moderation:act"), {"item_action": f"dismiss:{comment.pk}", **fields}, follow=True
    )

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1
    assert "stays held for another reason" not in messages_after(response)[0]
    assert "came in after the page was loaded" in messages_after(response)[0]


def test_only_newer_reports_on_the_selection_says_so(client, moderator, make_user, article, post):
    """A page that showed none of the open reports dismisses nothing, and says why."""
    comment = post(article, "Quiet until now")
    client.force_login(moderator)
    reported_by(comment, make_user())
    response = client.post(
        reverse("moderation:act"),
        {"action": "dismiss", "ids": [comment.pk], "seen": [f"{comment.pk}:published"],
         "report_seen": ["999999"]},
        follow=True,
    )  # fmt: skip
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1
    assert messages_after(response) == [
        "No reports dismissed: the open reports on the selected comments came in after the "
        "page was loaded. Reload it to read them."
    ]


def test_approving_settles_only_the_reports_the_page_showed(
    client, moderator, make_user, article, post
):
    """Held by two reports, approved after a third (unread) came in: the comment is
    published, the two are settled by the decision, the third stays open and is named."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
    comment = post(article, "Held by readers, then approved")
    reported_by(comment, make_user())
    reported_by(comment, make_user())
    client.force_login(moderator)
    fields = queue_form(client, tab="held")
    assert len(fields["reports_shown"][0].split(",")) == 2
    reported_by(comment, make_user(), "spam")

    response = client.post(
        reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields}, follow=True
    )

    assert settled_by(comment, moderator, S.PUBLISHED) == 2
    assert open_reasons(comment) == ["spam"]
    assert messages_after(response) == [APPROVED_WITH_ONE_LEFT_OPEN]


def test_approving_from_a_page_that_showed_no_reports_leaves_a_newer_one_open(
    client, moderator, make_user, article, post
):
    """Held without reports when the Held tab was loaded, reported before it was approved:
    the page showed no report, so approving settles none, and the message names it."""
    comment = post(article, "Held for a link, then reported", status=S.HELD)
    client.force_login(moderator)
    fields = queue_form(client, tab="held")
    assert fields["reports_shown"] == [""]
    reported_by(comment, make_user(), "spam")  # after the page was loaded

    response = client.post(
        reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields}, follow=True
    )

    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED
    assert open_reasons(comment) == ["spam"]
    assert messages_after(response) == [APPROVED_WITH_ONE_LEFT_OPEN]


def test_removing_settles_every_report(client, moderator, make_user, article, post):
    """A comment taken away needs no more looking at, whatever came in meanwhile."""
    comment = post(article, "Removed in the end")
    reported_by(comment, make_user())
    client.force_login(moderator)
    fields = queue_form(client)
    reported_by(comment, make_user(), "spam")
    client.post(reverse("moderation:act"), {"item_action": f"remove:{comment.pk}", **fields})
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()


def test_holding_settles_only_the_reports_the_page_showed(
    client, moderator, make_user, article, post
):
    """Held from the Reported tab after a second report came in: the comment is hidden, the
    report the moderator read is settled by the hold, the newer one stays open (the Held and
    Reported tabs show it), so approving the comment later is decided on it too."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 5})
    comment = post(article, "Reported, then held")
    reported_by(comment, make_user())
    client.force_login(moderator)
    fields = queue_form(client)
    reported_by(comment, make_user(), "spam")  # after the page was loaded

    response = client.post(
        reverse("moderation:act"), {"item_action": f"hold:{comment.pk}", **fields}, follow=True
    )

    assert settled_by(comment, moderator, S.HELD) == 1
    assert open_reasons(comment) == ["spam"]
    assert messages_after(response) == [
        "1 comment held. 1 report came in after the page was loaded: it stays open in the "
        "Reported tab."
    ]
    newer = Report.objects.get(comment=comment, resolved_at__isnull=True)
    assert queue_form(client, tab="held")["reports_shown"] == [str(newer.pk)]
