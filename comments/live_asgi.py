"""The live streams under ASGI, served beside Django rather than through it.

A stream stays open as long as its page, so what each one holds is what the stream server
holds times its readers. Through Django's handler each held a request, its middleware's
state and two tasks: about 300 KB, 1,000 readers well past 300 MB (bench/live.py). Here a
stream is its coroutine and its place in the article's hub; it answers exactly what the
Django view (views_live.live, which runserver and WSGI use) answers, from the same parts.
Nothing personal is read: no session, no cookie, public events only.
"""

import asyncio
import contextlib
import re
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from core.http import client_ip_from

from .live_slots import RETRY_AFTER_SECONDS, TOO_MANY, live_client, live_slot_give, live_slot_take
from .views_live import NOT_AN_ID, STREAM_HEADERS, stream_async, stream_open

STREAM_PATH = re.compile(r"^/comments/live/([1-9][0-9]{0,17})/$")


def live_streams_beside(django_application):
    """Wrap the Django ASGI application: stream requests are answered here, the rest there."""

    async def application(scope, receive, send):
        match = scope["type"] == "http" and STREAM_PATH.match(scope["path"])
        if match and scope["method"] in ("GET", "HEAD"):
            await _stream(scope, receive, send, int(match[1]))
        else:
            await django_application(scope, receive, send)

    return application


async def _stream(scope, receive, send, article_id: int) -> None:
    client = _client(scope)
    if not live_slot_take(client):
        await _answer(send, 429, TOO_MANY, retry_after=RETRY_AFTER_SECONDS)
        return
    try:
        await _stream_held(scope, receive, send, article_id)
    finally:
        live_slot_give(client)


def _client(scope) -> str:
    # As Django's ASGIRequest reads them: a header sent twice is one, its values joined.
    forwarded = b",".join(v for k, v in scope["headers"] if k == b"x-forwarded-for")
    remote = (scope.get("client") or (None,))[0]
    return live_client(client_ip_from(remote, forwarded.decode("latin-1")))


async def _stream_held(scope, receive, send, article_id: int) -> None:
    sent = dict(scope["headers"]).get(b"last-event-id", b"").decode("latin-1")
    if not sent:
        sent = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("last", [""])[0]
    # What Django's handler does at each request: drop a database connection that broke or
    # outlived its age (this one is shared by every stream of the process).
    await sync_to_async(close_old_connections)()
    status, position = await stream_open(article_id, sent)
    if status != 200:
        text = NOT_AN_ID if status == 400 else "No such article."
        await _answer(send, status, text)
        return
    headers = [(b"content-type", b"text/event-stream"), (b"x-content-type-options", b"nosniff")]
    headers += [(name.lower().encode(), value.encode()) for name, value in STREAM_HEADERS.items()]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if scope["method"] == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return

    async def forward() -> None:
        async with contextlib.aclosing(stream_async(article_id, position)) as frames:
            async for frame in frames:
                await send({"type": "http.response.body", "body": frame, "more_body": True})

    async def until_gone() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    # The stream ends when the reader leaves, or when the server cancels it (shutdown).
    tasks = [asyncio.ensure_future(forward()), asyncio.ensure_future(until_gone())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _answer(send, status: int, text: str, *, retry_after: int = 0) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})
