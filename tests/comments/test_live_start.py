"""A stream fixes where it starts before it sends its first frame: an event published once a
reader has read the retry frame reaches that reader (embedded transport; the Redis one is
tested in tests/integration/test_live_redis.py)."""

import asyncio
import itertools
import time

import pytest
from asgiref.sync import async_to_sync

from comments.live import RETRY_FRAME, live_transport
from comments.views_live import _stream_sync, stream_async

# Feeds live in this process for its whole run: each test has an article id of its own.
_ids = itertools.count(910_000)
EVENT = b'data: {"id":7}'


@pytest.fixture
def feed(settings):
    settings.PARLEY_LIVE_REDIS_URL = ""
    article_id = next(_ids)

    def publish() -> None:
        live_transport().publish(article_id=article_id, kind="comment", payload='{"id":7}')

    return article_id, publish


def test_the_wsgi_stream_brings_an_event_published_after_its_first_frame(feed):
    article_id, publish = feed
    stream = _stream_sync(article_id, None, until=time.monotonic() + 1.0)
    assert next(stream) == RETRY_FRAME
    publish()
    # The stream ends by itself after a second.
    assert any(EVENT in chunk for chunk in stream)


def test_the_asgi_stream_brings_an_event_published_after_its_first_frame(feed):
    article_id, publish = feed

    async def scenario() -> list[bytes]:
        stream = stream_async(article_id, None)
        try:
            chunks = [await stream.__anext__()]
            publish()
            while EVENT not in chunks[-1]:
                chunks.append(await asyncio.wait_for(stream.__anext__(), 3))
            return chunks
        finally:
            await stream.aclose()

    chunks = async_to_sync(scenario)()
    assert chunks[0] == RETRY_FRAME
