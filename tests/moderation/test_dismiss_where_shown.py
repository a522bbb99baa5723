"""Reports are dismissed on published and held comments: a spam comment's open reports are
not offered a Dismiss button that could only refuse, and a dismissal pressed on a page
that showed the comment before it was marked spam says so, instead of blaming reports
that "came in after the page was loaded"."""

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import Report
from moderation.services import comment_transition, comments_moderate, report_create
from tests.moderation.test_edited_since_loaded import queue_form

S = CommentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(article, post):
    comment = post(article, "Reported words")
    assert report_create(
        comment_id=comment.pk, user=None, ip_address="198.51.100.1", reason="abuse"
    )
    return comment


def test_a_spam_comments_open_reports_are_shown_without_a_dismiss_button(
    client, moderator, reported
):
    """Marked spam by the scorer after an edit, its report still open: the Spam tab shows
    the report and offers the comment's own decisions, not Dismiss reports."""
    comment_transition(comment_id=reported.pk, to_status=S.SPAM, actor_label="scorer")
    client.force_login(moderator)
    page = client.get(reverse("moderation:tab", args=["spam"])).content.decode()
    assert "1 open report" in page
    assert f'value="not_spam:{reported.pk}"' in page
    assert f'value="dismiss:{reported.pk}"' not in page


def test_dismissing_on_a_comment_marked_spam_since_the_page_loaded_says_so(
    client, moderator, make_user, reported
):
    """The Reported tab loaded, then another moderator marks the comment spam (its reports
    settled): Dismiss reports, pressed on the old page, says what became of the comment."""
    client.force_login(moderator)
    fields = queue_form(client, "reported")
    comments_moderate(comment_ids=[reported.pk], action="spam", actor=make_user("other"))

    response = client.post(
        reverse("moderation:act"), {"item_action": f"dismiss:{reported.pk}", **fields}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Nothing changed: the comment by Reader was marked spam after this page was loaded."
    ]
    assert not Report.objects.filter(dismissed_by__isnull=False).exists()
