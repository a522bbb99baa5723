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

from .asgi_reader import AsgiReader

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

    def open_stream(forwarded_for: str) -> AsgiReader:
        headers = [(b"x-forwarded-for", forwarded_for.encode())]
        path = f"/comments/live/{article.pk}/"
        return AsgiReader(application, path, headers, client=("10.0.0.2", 50000))

    async def scenario():
        first = [open_stream("192.0.2.10") for _ in range(2)]
        neighbour = open_stream("192.0.2.11")
        statuses = [await asyncio.wait_for(reader.status(), 5) for reader in [*first, neighbour]]
        over = open_stream("192.0.2.10")
        await asyncio.wait_for(over.call, 5)  # answered at once, and done
        await first[0].leave()  # one of the reader's pages closes
        later = open_stream("192.0.2.10")
        statuses.append(await asyncio.wait_for(later.status(), 5))
        for reader in [first[1], neighbour, later]:
            await reader.leave()
        return statuses, over.sent[0]

    statuses, refused = async_to_sync(scenario)()
    assert statuses == [200, 200, 200, 200]
    assert refused["status"] == 429
    assert (b"retry-after", b"60") in refused["headers"]
