"""The live thread from the page's first moment: a comment published after the page was
built but before its stream opened still arrives, once (and a page whose position the feed
lost is not told to reload); and a collapsed thread's
"Show N replies" counts the replies still hidden as moderators remove them; a reply being
written under a comment that is removed stays on the page, text and focus kept."""

import json

import pytest
import redis as redis_client
from playwright.sync_api import expect

from comments.live import FEED_LENGTH, live_transport
from comments.models import CommentStatus
from moderation.services.transitions import comment_transition
from tests.support import wait_until

from .test_live import (  # noqa: F401 (live_redis: a fixture)
    frames_counted,
    live_redis,
    open_live,
    wait_listening,
)

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
    stream = open_held(page, live_server.url + article.get_absolute_url())

    late = post(article, "Published before the stream opened.")
    again = {"id": shown.pk, "parent_id": shown.pk, "thread_id": shown.pk}
    live_transport().publish(article_id=article.pk, kind="comment", payload=json.dumps(again))
    stream.continue_()

    page.click("text=1 new comment — show")
    page.wait_for_selector(f"#c{late.pk} >> text=Published before the stream opened.")
    assert page.locator(f"#c{shown.pk}").count() == 1
    assert page.locator(".live-notice").is_hidden()
    assert errors == []


def test_a_page_whose_position_the_feed_lost_starts_from_there_untroubled(
    live_server, page, article, post, settings
):
    """Redis loses the feed between the page's build and its stream's opening: the page is
    not told to reload (a reload would bring the same stored page and the same answer), and
    hears what is published next."""
    post(article, "Already here.")  # the feed is past its start
    page.add_init_script(COUNT_RESETS)
    stream = open_held(page, live_server.url + article.get_absolute_url())
    redis_client.Redis.from_url(settings.PARLEY_LIVE_REDIS_URL).flushdb()
    stream.continue_()
    page.wait_for_function("() => window.__liveResets > 0")

    post(article, "Published after the loss.")
    page.wait_for_selector("text=1 new comment — show")
    assert page.locator(".live-reset").count() == 0


def test_a_page_built_on_an_empty_feed_trimmed_before_its_stream_opens_offers_a_reload(
    live_server, page, article, post
):
    """The page is built while the feed is empty (its position 0-0); before its stream
    opens, more is published than the feed keeps: the first of it is gone, so the reader is
    offered a reload rather than silently missing it."""
    post(article, "Already here.")
    redis_client.Redis.from_url(live_transport().url).flushdb()
    stream = open_held(page, live_server.url + article.get_absolute_url())
    assert page.get_attribute("#comments", "data-live-from") == "0-0"
    events = [(article.pk, "score", f'{{"id":{n}}}') for n in range(1, FEED_LENGTH + 301)]
    live_transport().publish_many(events)
    stream.continue_()
    page.wait_for_selector(".live-reset >> text=The conversation changed while you were away.")


def test_a_reader_back_from_a_dropped_stream_the_feed_lost_is_told_to_reload(
    live_server, page, article, post, settings, monkeypatch
):
    """Once the page's stream has dropped, a feed that cannot account for it says so: the
    reader is offered a reload, as before."""
    monkeypatch.setattr("comments.views_live.WSGI_STREAM_SECONDS", 0.5)
    post(article, "Already here.")
    errors = open_live(page, live_server.url + article.get_absolute_url())
    page.wait_for_selector("#comments[data-live-state='down']")
    redis_client.Redis.from_url(settings.PARLEY_LIVE_REDIS_URL).flushdb()
    page.wait_for_selector(".live-reset >> text=The conversation changed while you were away.")
    assert errors == []


def test_a_collapsed_thread_counts_the_replies_still_hidden(
    live_server, page, article, post, settings
):
    """The second thread shows collapsed behind "Show 3 replies". A moderator removes a
    hidden reply: "Show 2 replies". A new reply the reader was told of but has not shown is
    removed: still 2. The thread's first comment is removed: its placeholder keeps
    "Show 2 replies", then "Show 1 reply", as a reload shows; its last reply removed, the
    thread goes."""
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
    page.reload()
    assert page.inner_text(more) == "Show 1 reply", "what a reload shows"
    wait_listening(page)
    remove(hidden[2])
    page.wait_for_selector(f"#c{root.pk}", state="detached")
    page.reload()
    assert page.locator(f"#c{root.pk}").count() == 0, "what a reload shows"
    assert errors == []


def test_placeholders_go_with_the_last_reply_of_a_thread_shown_whole(
    live_server, page, article, post
):
    """A thread shown whole: its first comment and the reply under it are removed and stay
    as placeholders for the one reply below; that reply removed, both placeholders go, as
    a reload shows."""
    root = post(article, "A first comment.")
    middle = post(article, "A reply.", reply_to=root.pk)
    last = post(article, "A reply to the reply.", reply_to=middle.pk)
    errors = open_live(page, live_server.url + article.get_absolute_url())
    remove(root)
    remove(middle)
    page.wait_for_selector(f"#c{root.pk}.comment-placeholder")
    page.wait_for_selector(f"#c{middle.pk}.comment-placeholder")
    remove(last)
    page.wait_for_selector(f"#c{root.pk}", state="detached")
    assert page.locator(f"#c{middle.pk}").count() == 0
    page.reload()
    assert page.locator(f"#c{root.pk}").count() == 0, "what a reload shows"
    assert errors == []


COUNT_RESETS = frames_counted("reset", "__liveResets")


def open_held(page, url):
    """Open the page with its first stream held before it reaches the server; the held
    request (continue_() sends it on). A reconnection goes straight through."""
    held = []
    page.route(STREAM, lambda route: held.append(route), times=1)
    page.goto(url)

    def stream_held() -> bool:
        page.evaluate("0")  # a round trip, in which Playwright hands over the held request
        return bool(held)

    wait_until(stream_held, 10, "the page's stream held before it reaches the server")
    return held[0]


def remove(comment) -> None:
    comment_transition(comment_id=comment.pk, to_status=CommentStatus.REMOVED, actor_label="t")


@pytest.mark.integration
@pytest.mark.parametrize("answered_has_replies", [False, True], ids=["leaves", "placeholder"])
def test_a_reply_being_written_stays_when_its_comment_is_removed(
    live_server, page, article, post, answered_has_replies
):
    """A reader writes a reply under a comment that a moderator then removes: whether the
    comment leaves the page or stays as a placeholder for its replies, the reply form stays
    on the page with the text typed and the focus in it, instead of going with the comment,
    and posting it offers the text back as a new comment."""
    answered = post(article, "A comment to answer.")
    if answered_has_replies:
        post(article, "An earlier reply.", reply_to=answered.pk)
    errors = open_live(page, live_server.url + article.get_absolute_url())
    page.click(f"#c{answered.pk} > article .comment-reply-link")
    page.fill("#id_comment", "My half-written answer.")

    remove(answered)
    if answered_has_replies:
        page.wait_for_selector(f"#c{answered.pk}.comment-placeholder")
    else:
        page.wait_for_selector(f"#c{answered.pk}", state="detached")

    assert page.locator("#respond").is_visible()
    assert page.input_value("#id_comment") == "My half-written answer."
    assert page.evaluate("document.activeElement.id") == "id_comment"
    assert errors == []
    page.fill("#id_name", "Replier")
    page.click("#submit")
    # The refused post's page has an #id_comment too: wait for its summary, then its box.
    expect(page.locator("#error-summary")).to_contain_text("as a new comment")
    expect(page.locator("#id_comment")).to_have_value("My half-written answer.")
