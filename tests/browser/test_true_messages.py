"""Messages that are true, in a real browser with a real Celery worker on Redis: while a
comment is being checked its poster reads exactly that, the verdict replaces it in place
within a second, "awaiting moderation" appears only for held comments, and without
JavaScript a reload shows the truth."""

import pytest

from comments.models import Comment, CommentStatus
from tests.conftest import celery_broker
from tests.integration.conftest import BROKER_DB
from tests.support import wait_until

from .helpers import fill_guest_form, in_viewport, refusal_shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

# Records when the page's status line changed (the browser's clock, in ms since the epoch).
WATCH = """sel => {
  const line = document.querySelector(sel);
  window.__changedAt = null;
  new MutationObserver(() => {
    if (line.getAttribute('data-status') !== 'pending' && window.__changedAt === null) {
      window.__changedAt = Date.now();
    }
  }).observe(line, {attributes: true, childList: true, characterData: true, subtree: true});
}"""


def wait_for_status(page, comment, status):
    """Wait for the worker's verdict, then for the page to show it: the page's part is timed
    from the verdict, not from the post (the worker's first comment also loads its scorer)."""
    wait_until(
        lambda: Comment.objects.get(pk=comment.pk).status != CommentStatus.PENDING,
        60,
        "the worker's verdict",
    )
    page.wait_for_function(
        "([sel, status]) => document.querySelector(sel).dataset.status === status",
        arg=[f"#c{comment.pk} .comment-status", status],
        timeout=10_000,
    )


def post_comment(page, url, text, *, scripts=True):
    page.goto(url)
    fill_guest_form(page, text, "Queue Quinn")
    page.click("#submit")
    if not scripts:
        # No script adds the shared page's CSRF token: the refusal keeps the text; post again.
        refusal_shown(page)
        page.click("#submit")
    page.wait_for_url("**#c*")
    return Comment.objects.get(comment=text)


def test_the_verdict_replaces_being_checked_in_place(live_server, page, article, queue_redis,
                                                     start_worker):  # fmt: skip
    """Posted while no worker runs: "being checked", in view. A worker starts and publishes
    it; the line turns into "published" without a reload, within a second of the verdict."""
    url = live_server.url + article.get_absolute_url()
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        comment = post_comment(page, url, "A clean and friendly remark about the article.")
        line = f"#c{comment.pk} .comment-status"
        assert page.inner_text(line) == "Thank you: your comment is being checked."
        assert in_viewport(page, line)
        assert "awaiting moderation" not in page.inner_text("#comments")
        page.evaluate(WATCH, line)

        start_worker(queue_redis)
        wait_until(
            lambda: Comment.objects.get(pk=comment.pk).status != CommentStatus.PENDING,
            60,
            "the worker's verdict",
        )
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PUBLISHED
        page.wait_for_function("() => window.__changedAt !== null", timeout=5000)
        assert page.inner_text(line) == "Thank you: your comment is published."
        changed_at_ms = page.evaluate("window.__changedAt")
        verdict_at_ms = comment.status_changed_at.timestamp() * 1000
        assert changed_at_ms - verdict_at_ms < 1000, "the page showed the verdict within 1 s"
        assert "comment-awaiting" not in page.get_attribute(
            f"#c{comment.pk} .comment-body", "class"
        )


def test_only_a_held_comment_says_awaiting_moderation(live_server, page, article, queue_redis,
                                                      start_worker):  # fmt: skip
    """With the worker running, a clean comment ends "published" and one with a moderation
    keyword ends "awaiting moderation", each in place, never the other way round."""
    url = live_server.url + article.get_absolute_url()
    start_worker(queue_redis)
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        clean = post_comment(page, url, "Thanks for the careful write-up.")
        wait_for_status(page, clean, "published")
        assert page.inner_text(f"#c{clean.pk} .comment-status") == (
            "Thank you: your comment is published."
        )
        held = post_comment(page, url, "Try my casino, it is great.")
        wait_for_status(page, held, "held")
        assert page.inner_text(f"#c{held.pk} .comment-status") == (
            "Thank you: your comment is awaiting moderation."
        )
        held.refresh_from_db()
        assert held.status == CommentStatus.HELD
        assert "awaiting moderation" not in page.inner_text(f"#c{clean.pk}")


def test_without_javascript_a_reload_shows_the_truth(live_server, page_without_js, article,
                                                     queue_redis, start_worker):  # fmt: skip
    """No script: the page after posting says what was true then; once the worker has
    decided, a reload shows the published comment with no "checking" or "awaiting" line."""
    page = page_without_js
    url = live_server.url + article.get_absolute_url()
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        comment = post_comment(page, url, "Reading without scripts, as some do.", scripts=False)
        assert page.inner_text(f"#c{comment.pk} .comment-status") == (
            "Thank you: your comment is being checked."
        )
        start_worker(queue_redis)
        wait_until(
            lambda: Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED,
            60,
            "the worker to publish the comment",
        )
        page.reload()
        assert page.locator(f"#c{comment.pk} .comment-status").count() == 0
        assert "Reading without scripts" in page.inner_text(f"#c{comment.pk}")
        assert "being checked" not in page.inner_text("#comments")
