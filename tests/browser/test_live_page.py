"""The live thread from the page's first moment: a comment published after the page was
built but before its stream opened still arrives, once; and a collapsed thread's
"Show N replies" counts the replies still hidden as moderators remove them."""

import json

import pytest

from comments.live import live_transport
from comments.models import CommentStatus
from moderation.services.transitions import comment_transition
from tests.support import wait_until

from .test_live import live_redis, open_live, wait_listening  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_redis")]

STREAM = "**/comments/live/**"


def test_a_comment_published_before_the_stream_opens_still_arrives_once(
    live_server, page, article, post
):
    """The page is built; before its stream reaches the server, a comment is published, and
    the feed repeats one the page already shows (as when it was published while the page
    was being built). Once the stream opens, the reader is told of the new one alone."""
    shown = post(article, "On the page when it was built.")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    held = []
    # The first stream only: a reconnection goes straight through.
    page.route(STREAM, lambda route: held.append(route), times=1)
    page.goto(live_server.url + article.get_absolute_url())

    def stream_held() -> bool:
        page.evaluate("0")  # a round trip, in which Playwright hands over the held request
        return bool(held)

    wait_until(stream_held, 10, "the page's stream held before it reaches the server")

    late = post(article, "Published before the stream opened.")
    again = {"id": shown.pk, "parent_id": shown.pk, "thread_id": shown.pk}
    live_transport().publish(article_id=article.pk, kind="comment", payload=json.dumps(again))
    held[0].continue_()

    page.click("text=1 new comment — show")
    page.wait_for_selector(f"#c{late.pk} >> text=Published before the stream opened.")
    assert page.locator(f"#c{shown.pk}").count() == 1
    assert page.locator(".live-notice").is_hidden()
    assert errors == []


def test_a_collapsed_thread_counts_the_replies_still_hidden(
    live_server, page, article, post, settings
):
    """The second thread shows collapsed behind "Show 3 replies". A moderator removes a
    hidden reply: "Show 2 replies". A new reply the reader was told of but has not shown is
    removed: still 2. The thread's first comment is removed: its placeholder keeps
    "Show 2 replies", as a reload shows; its last replies removed, the thread goes."""
    settings.PARLEY_COMMENTS_PER_PAGE = 3  # the first thread whole, the second collapsed
    whole = post(article, "A thread shown whole.")
    post(article, "Its one reply.", reply_to=whole.pk)
    root = post(article, "A thread shown collapsed.")
    hidden = [post(article, f"Hidden reply {number}.", reply_to=root.pk) for number in (1, 2, 3)]
    url = live_server.url + article.get_absolute_url()
    errors = open_live(page, url)
    more = f"#c{root.pk} > .comment-more"
    assert page.inner_text(more) == "Show 3 replies"

    remove(hidden[0])
    page.wait_for_selector(f'{more}[data-count="2"]')
    assert page.inner_text(more) == "Show 2 replies"

    untold = post(article, "Gone before the reader showed it.", reply_to=root.pk)
    page.wait_for_selector("text=1 new comment — show")
    remove(untold)
    page.wait_for_selector(".live-notice", state="hidden")
    assert page.get_attribute(more, "data-count") == "2"

    remove(root)
    page.wait_for_selector(f"#c{root.pk}.comment-placeholder")
    assert page.is_visible(more)
    assert page.inner_text(more) == "Show 2 replies"
    page.reload()
    assert page.inner_text(more) == "Show 2 replies", "what a reload shows"
    wait_listening(page)

    remove(hidden[1])
    page.wait_for_selector(f'{more}[data-count="1"]')
    assert page.inner_text(more) == "Show 1 reply"
    remove(hidden[2])
    page.wait_for_selector(f"#c{root.pk}", state="detached")
    page.reload()
    assert page.locator(f"#c{root.pk}").count() == 0, "what a reload shows"
    assert errors == []


def remove(comment) -> None:
    comment_transition(comment_id=comment.pk, to_status=CommentStatus.REMOVED, actor_label="t")
