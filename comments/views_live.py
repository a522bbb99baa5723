"""The live stream of an article's comments (Server-Sent Events): comments/live.py."""

import logging
import time

import redis
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse

from articles.models import Article
from core.http import client_ip

from .live import (
    HEARTBEAT_FRAME,
    HEARTBEAT_SECONDS,
    RETRY_FRAME,
    Position,
    live_transport,
    position_parse,
)
from .live_slots import RETRY_AFTER_SECONDS, TOO_MANY, live_client, live_slot_give, live_slot_take

logger = logging.getLogger(__name__)

# Under WSGI a stream holds a worker thread, so it ends after this and the browser comes
# back with Last-Event-ID (missing nothing); a gunicorn sync worker would be killed at its
# 30 s timeout anyway. Under ASGI a stream lasts as long as the page is open.
WSGI_STREAM_SECONDS = 25.0


NOT_AN_ID = "Last-Event-ID is not an event id of this stream."
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # nginx: send at once


async def stream_open(article_id: int, sent: str) -> tuple[int, Position | None]:
    """Check a stream request: 200 and where to start from, 404 (no such published article)
    or 400 (what came as Last-Event-ID is not one of our ids)."""
    if not await Article.objects.published().filter(pk=article_id).aexists():
        return 404, None
    position = position_parse(sent) if sent else None
    return (400 if sent and position is None else 200), position


async def live(request, article_id: int):
    """Stream the article's live events, from the browser's Last-Event-ID if it sends one."""
    sent = request.headers.get("Last-Event-ID") or request.GET.get("last", "")
    status, position = await stream_open(article_id, sent)
    if status == 404:
        raise Http404("No such article.")
    if status == 400:
        return HttpResponseBadRequest(NOT_AN_ID)
    client = live_client(client_ip(request))
    if not live_slot_take(client):
        return HttpResponse(
            TOO_MANY, status=429, content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )  # fmt: skip
    if isinstance(request, ASGIRequest):
        content = stream_async(article_id, position)
    else:
        content = _stream_sync(article_id, position, until=time.monotonic() + WSGI_STREAM_SECONDS)
    response = StreamingHttpResponse(
        content, content_type="text/event-stream", headers=STREAM_HEADERS
    )
    # Given back when the server closes the response, streamed or not: a generator that
    # never started runs no `finally` of its own.
    response._resource_closers.append(lambda: live_slot_give(client))
    return response


async def stream_async(article_id: int, position: Position | None):
    async with live_transport().subscribe(article_id) as subscription:
        # Where the stream starts is fixed before it says it has begun: an event published
        # once a reader has read the retry frame reaches that reader.
        frames, position = await subscription.catch_up(position)
        yield RETRY_FRAME
        while True:
            if frames:
                yield b"".join(frames)
            # No second catch_up first: whatever came since this one has already ended the wait.
            if not await subscription.wait():
                yield HEARTBEAT_FRAME
            frames, position = await subscription.catch_up(position)


def _stream_sync(article_id: int, position: Position | None, *, until: float):
    # The stream reads no database, yet the connection stream_open used stays with this
    # thread until the response ends: one PostgreSQL connection per open stream, so
    # max_connections, not the workers, would cap the readers. Closed here, after every
    # middleware has run; the thread's next request opens one again. (A test's transaction
    # is left alone: there is none under a server.)
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    transport = live_transport()
    try:
        # As in stream_async: the start is fixed before the retry frame goes.
        frames, position = transport.catch_up(article_id, position)
    except redis.RedisError as error:
        yield RETRY_FRAME
        _stream_ended(article_id, error)
        return
    yield RETRY_FRAME
    try:
        if frames:
            yield b"".join(frames)  # what a reader missed: one write, however many events
        while (left := until - time.monotonic()) > 0:
            if transport.wait(article_id, position, min(left, HEARTBEAT_SECONDS)):
                frames, position = transport.catch_up(article_id, position)
                if frames:
                    yield b"".join(frames)
            else:
                yield HEARTBEAT_FRAME
    except redis.RedisError as error:
        _stream_ended(article_id, error)


def _stream_ended(article_id: int, error: redis.RedisError) -> None:
    # The browser reconnects after the retry delay and is caught up, or told to reset.
    logger.warning("live stream of article %s ended: %s", article_id, error)
