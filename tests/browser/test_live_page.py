"""The live thread from the page's first moment: a comment published after the page was
built but before its stream opened still arrives, once."""

import json

import pytest

from comments.live import live_transport
from tests.support import wait_until

from .test_live import live_redis, open_live  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "**/comments/live/**"


def test_a_comment_published_before_the_stream_opens_still_arrives_once(
    live_server,
    page,
    article,
    post,
    live_redis,  # noqa: F811
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
