"""One client may hold only so many live streams open at once (PARLEY_LIVE_STREAMS_PER_CLIENT),
counted on the real client behind the proxies, and each stream gives its place back when it
ends, whether or not it ever sent a byte."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from comments import live_transport
from comments.live_asgi import live_streams_beside
from comments.live_transport import LocalTransport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_feed(settings):
    """The embedded transport, fresh for the test; two streams a client."""
    settings.PARLEY_LIVE_STREAMS_PER_CLIENT = 2
    settings.PARLEY_LIVE_REDIS_URL = ""
    transport = LocalTransport()
    live_transport._transports[""] = transport
    yield transport
    live_transport._transports.pop("", None)


def _closed(response) -> None:
    # As the test client does when a response ends: the test's own database connection,
    # inside its transaction, stays open.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_a_client_over_the_cap_is_told_429_and_others_are_not(client, article):
    """Two streams from one address are served, a third is refused with Retry-After; another
    address is served meanwhile; a closed stream (never read from) frees its place."""
    url = reverse("comments:live", args=[article.pk])
    held = [client.get(url, REMOTE_ADDR="198.51.100.7") for _ in range(2)]
    assert [response.status_code for response in held] == [200, 200]
    refused = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many live streams" in refused.content.decode()
    other = client.get(url, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
    _closed(held.pop())
    again = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert again.status_code == 200
    for response in [*held, other, again]:
        _closed(response)


def test_the_asgi_streams_count_the_client_behind_the_proxy(article, monkeypatch, settings):
    """Under ASGI, behind one trusted proxy, two readers on the proxy's one address are two
    clients; one reader's third stream is refused until one of theirs ends."""
    settings.PARLEY_TRUSTED_PROXY_COUNT = 1
    # It would close the test's connection, which is inside the test's transaction.
    monkeypatch.setattr("comments.live_asgi.close_old_connections", lambda: None)

    async def django_application(scope, receive, send):  # pragma: no cover - not reached
        raise AssertionError("streams are answered beside Django")

    application = live_streams_beside(django_application)

    def open_stream(forwarded_for: str):
        """Start a stream; return (its messages, a way to leave, the running call)."""
        sent: list[dict] = []
        gone = asyncio.Event()

        async def receive():
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "method": "GET", "path": f"/comments/live/{article.pk}/",
            "query_string": b"", "client": ("10.0.0.2", 50000),
            "headers": [(b"x-forwarded-for", forwarded_for.encode())],
        }  # fmt: skip
        return sent, gone, asyncio.ensure_future(application(scope, receive, send))

    async def started(sent: list[dict]) -> int:
        while not sent:
            await asyncio.sleep(0.01)
        return sent[0]["status"]

    async def scenario():
        first = [open_stream("192.0.2.10") for _ in range(2)]
        neighbour = open_stream("192.0.2.11")
        statuses = [await asyncio.wait_for(started(sent), 5) for sent, _, _ in first]
        statuses.append(await asyncio.wait_for(started(neighbour[0]), 5))
        over = open_stream("192.0.2.10")
        await asyncio.wait_for(over[2], 5)  # answered at once, and done
        refused = over[0][0]
        first[0][1].set()  # one of the reader's pages closes
        await asyncio.wait_for(first[0][2], 5)
        later = open_stream("192.0.2.10")
        statuses.append(await asyncio.wait_for(started(later[0]), 5))
        for _, gone, call in [first[1], neighbour, later]:
            gone.set()
            await asyncio.wait_for(call, 5)
        return statuses, refused

    statuses, refused = async_to_sync(scenario)()
    assert statuses == [200, 200, 200, 200]
    assert refused["status"] == 429
    assert (b"retry-after", b"60") in refused["headers"]
