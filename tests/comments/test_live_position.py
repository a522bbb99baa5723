"""Where a page's live thread starts: the page carries the feed's position as it was built,
and its first stream resumes there, so nothing published before the stream opened is
missed (embedded transport, and Redis)."""

import re

import pytest
import redis as redis_client
from django.urls import reverse

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
