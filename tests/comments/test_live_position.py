"""Where a page's live thread starts: the page carries the feed's position as it was built,
and its first stream resumes there, so nothing published before the stream opened is
missed (embedded transport, and Redis)."""

import asyncio
import re

import pytest
import redis as redis_client
from asgiref.sync import async_to_sync
from django.urls import reverse

from comments.live import FEED_LENGTH, reset_frame
from comments.live_redis import RedisTransport
from tests.integration.conftest import redis_base_url  # noqa: F401

from .test_live import local_feed, read_events, stream_close  # noqa: F401

LIVE_FROM = re.compile(r'data-live-from="([^"]+)"')


def page_live_from(client, article) -> str:
    html = client.get(article.get_absolute_url()).content.decode()
    found = LIVE_FROM.search(html)
    assert found, "the page says where the feed was"
    return found[1]


@pytest.mark.usefixtures("local_feed")
def test_a_comment_published_before_the_stream_opens_reaches_the_page(
    client, article, post, django_capture_on_commit_callbacks
):
    """A comment published after the page was built but before its stream opened is the
    first thing the stream, resumed from the page's position, tells."""
    post(article, "Already on the page.")
    live_from = page_live_from(client, article)
    with django_capture_on_commit_callbacks(execute=True):
        late = post(article, "Published before the stream opened.")
    url = reverse("comments:live", args=[article.pk])
    response = client.get(f"{url}?last={live_from}")
    events = read_events(response.streaming_content, 1)
    stream_close(response)
    assert [(kind, data["id"]) for _, kind, data in events] == [("comment", late.pk)]


@pytest.fixture
def redis_feed(redis_base_url):  # noqa: F811
    url = f"{redis_base_url}/11"
    redis_client.Redis.from_url(url).flushdb()
    yield RedisTransport(url)
    redis_client.Redis.from_url(url).flushdb()


def test_redis_position_resumes_exactly_and_from_the_start_of_an_empty_feed(redis_feed):
    """An article whose feed is empty is at 0-0, and a stream resumed from there gets every
    event; once it has events, the position is its last one's id, after which nothing is
    told until the next."""
    assert redis_feed.position(5) == (0, 0)
    redis_feed.publish(article_id=5, kind="comment", payload='{"id":1}')
    frames, _ = redis_feed.catch_up(5, (0, 0))
    assert b'data: {"id":1}' in b"".join(frames)
    at = redis_feed.position(5)
    assert at > (0, 0)
    assert redis_feed.catch_up(5, at) == ([], at)
    redis_feed.publish(article_id=5, kind="remove", payload='{"id":1}')
    frames, _ = redis_feed.catch_up(5, at)
    assert b"event: remove" in b"".join(frames)


def test_redis_away_leaves_the_page_without_a_position(redis_feed):
    """With Redis away (the breaker open) the page is built without waiting for it, and
    carries no position: its stream starts from its own now, as before."""
    redis_feed.breaker.trip(None)
    assert redis_feed.position(5) is None


def publish_past_the_feed(feed, article_id: int) -> None:
    """More events than the feed keeps: Redis trims the first of them."""
    events = [(article_id, "comment", f'{{"id":{n}}}') for n in range(1, FEED_LENGTH + 301)]
    feed.publish_many(events)


def test_a_page_built_on_an_empty_feed_is_told_to_reset_once_it_was_trimmed(redis_feed):
    """A page built while the feed was empty (0-0) whose stream opens after more events
    than the feed keeps is told to reset, as one that missed them (sync and async
    streams); with fewer, it gets them all."""
    publish_past_the_feed(redis_feed, 5)
    frames, tail = redis_feed.catch_up(5, (0, 0))
    assert frames == [reset_frame(tail, missed=True)] and tail == redis_feed.position(5)
    assert async_to_sync(first_catch_up)(redis_feed, 5, (0, 0)) == [reset_frame(tail, missed=True)]
    redis_feed.publish(article_id=6, kind="comment", payload='{"id":1}')
    assert async_to_sync(first_catch_up)(redis_feed, 6, (0, 0))[0].count(b"event: comment") == 1


async def first_catch_up(feed, article_id: int, position) -> list[bytes]:
    """The first frames a stream server tells a reader back with `position`."""
    async with asyncio.timeout(10), feed.subscribe(article_id) as subscription:
        frames, _ = await subscription.catch_up(position)
        while not frames:
            await subscription.wait()
            frames, _ = await subscription.catch_up(position)
        return frames
