"""The comments heading on a live page counts what the article has: comments published or
removed while the page is open (on it or on another page) move it, as a reload would show."""

import pytest

from comments.models import Comment, CommentStatus
from moderation.models import ModerationRules
from moderation.services.transitions import comment_transition

from .helpers import fill_guest_form
from .test_live import live_redis, open_live, wait_listening  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_redis")]

HEADING = "#comments-title"


def heading_says(page, count: int) -> None:
    words = "comment" if count == 1 else "comments"
    page.wait_for_function(
        "said => document.getElementById('comments-title').textContent === said",
        arg=f"{count} {words} on “The test article”",
    )


def test_the_heading_counts_comments_published_and_removed_while_the_page_is_open(
    live_server, page, article, post, settings
):
    """Three threads, two to a page: the heading says 3. A fourth is published: 4, with "1
    new comment — show" (and still 4 once shown, as a link to the next page). It is removed:
    3. The third, on the next page, is removed: 2, as a reload shows."""
    settings.PARLEY_THREADS_PER_PAGE = 2
    post(article, "The first thread.")
    post(article, "The second thread.")
    third = post(article, "The third thread, on the next page.")
    url = live_server.url + article.get_absolute_url()
    errors = open_live(page, url)
    heading_says(page, 3)

    fourth = post(article, "A fourth, published while the page is open.")
    page.wait_for_selector("text=1 new comment — show")
    heading_says(page, 4)
    page.click("text=1 new comment — show")
    page.wait_for_selector(".live-elsewhere a")
    heading_says(page, 4)

    comment_transition(comment_id=fourth.pk, to_status=CommentStatus.REMOVED, actor_label="t")
    heading_says(page, 3)
    comment_transition(comment_id=third.pk, to_status=CommentStatus.REMOVED, actor_label="t")
    heading_says(page, 2)
    page.reload()
    assert page.inner_text(HEADING) == "2 comments on “The test article”", "what a reload shows"
    assert errors == []


def test_the_readers_own_comment_is_counted_once_it_is_published(live_server, page, article, post):
    """A reader's own comment shows to them while it awaits a moderator, uncounted (the
    heading counts published comments); a moderator publishes it: the heading counts one
    more, once, as a reload shows."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
    post(article, "Someone else's comment.")
    url = live_server.url + article.get_absolute_url()
    errors = open_live(page, url)
    fill_guest_form(page, "My comment, held for a moderator.", "Held Hanna")
    page.click("#submit")
    page.wait_for_url("**#c*")
    wait_listening(page)
    held = Comment.objects.get(comment="My comment, held for a moderator.")
    assert held.status == CommentStatus.HELD
    heading_says(page, 1)

    comment_transition(comment_id=held.pk, to_status=CommentStatus.PUBLISHED, actor_label="t")
    page.wait_for_selector(f"#c{held.pk} .comment-status[data-status='published']")
    heading_says(page, 2)
    page.reload()
    assert page.inner_text(HEADING) == "2 comments on “The test article”", "what a reload shows"
    assert errors == []
