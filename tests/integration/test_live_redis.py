"""The live streams as production serves them: uvicorn (ASGI) reading Redis Streams, through
a restart of Redis, with readers reconnecting by Last-Event-ID."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from comments.live_redis import RedisTransport
from tests.support import ROOT, free_port, group_stop, wait_until

from .conftest import database_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
LIVE_DB = 2


class SseReader:
    """One stream over a plain socket, read event by event with a deadline."""

    def __init__(self, port: int, path: str, *, last_event_id: str = ""):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        resume = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else ""
        self.socket.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            f"{resume}\r\n".encode()
        )
        self.buffer = b""
        head = self._block(10)
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"content-type: text/event-stream" in head.lower()
        self.position = ""

    def _block(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while b"\n\n" not in self.buffer.replace(b"\r\n", b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no event within {timeout} s; read {self.buffer!r}")
            self.socket.settimeout(left)
            chunk = self.socket.recv(65536)
            if not chunk:
                raise AssertionError(f"the stream closed; read {self.buffer!r}")
            self.buffer += chunk
        text = self.buffer.replace(b"\r\n", b"\n")
        block, self.buffer = text.split(b"\n\n", 1)
        return block

    def event(self, timeout: float = 10) -> tuple[str, dict]:
        """The next event (kind, data), skipping keep-alives and chunk sizes; within
        `timeout` in all (keep-alives arrive forever, so a per-block deadline never ends)."""
        deadline = time.monotonic() + timeout
        while True:
            fields = {}
            for line in self._block(deadline - time.monotonic()).decode().split("\n"):
                name, _, value = line.partition(": ")
                fields[name] = value
            if "id" in fields:
                self.position = fields["id"]
            if fields.get("event", "position") != "position":  # where it starts: no news
                return fields["event"], json.loads(fields["data"])

    def started(self, timeout: float = 10) -> str:
        """Wait for the stream to say where it starts; its position."""
        deadline = time.monotonic() + timeout
        while not self.position:
            block = self._block(deadline - time.monotonic()).decode()
            for line in block.split("\n"):
                if line.startswith("id: "):
                    self.position = line[4:]
        return self.position

    def closed_within(self, timeout: float) -> bool:
        """Whether the server ends the stream (EOF) within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.socket.settimeout(left)
            try:
                if not self.socket.recv(65536):
                    return True
            except TimeoutError:
                return False
        return False

    def close(self) -> None:
        self.socket.close()


class ChunkReader:
    """One stream read write by write: uvicorn sends each of the application's writes as one
    HTTP chunk, so the chunks say how the events were written."""

    def __init__(self, port: int, path: str):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.socket.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n", 10)
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"transfer-encoding: chunked" in head.lower()

    def _until(self, end: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while end not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"nothing more within {timeout} s; read {self.buffer!r}")
            self.socket.settimeout(left)
            chunk = self.socket.recv(65536)
            if not chunk:
                raise AssertionError(f"the stream closed; read {self.buffer!r}")
            self.buffer += chunk
        found, self.buffer = self.buffer.split(end, 1)
        return found

    def chunk(self, timeout: float = 10) -> bytes:
        """The next chunk with an event in it (keep-alives and the retry line skipped)."""
        while True:
            size = int(self._until(b"\r\n", timeout), 16)
            while len(self.buffer) < size + 2:
                self.buffer += self.socket.recv(65536)
            chunk, self.buffer = self.buffer[:size], self.buffer[size + 2 :]
            if b"\nevent: " in b"\n" + chunk:
                return chunk

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def stream_server(private_redis, article):
    """uvicorn serving the ASGI application on the private Redis and the test database."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="parley-live-", suffix=".log")[1])
    env = {**os.environ, **database_env(), "REDIS_URL": private_redis.url,
           "REDIS_LIVE_DB": str(LIVE_DB), "PARLEY_TEST_DB_SUFFIX": ""}  # fmt: skip
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "config.asgi:application", "--port", str(port),
         "--lifespan", "off", "--timeout-graceful-shutdown", "2", "--no-access-log"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip

    def serving() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"uvicorn exited:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    wait_until(serving, 30, f"uvicorn on port {port}")
    yield port, process
    group_stop(process)


def test_streams_survive_a_redis_restart_and_resume_missing_nothing(
    private_redis, stream_server, article
):
    """A reader hears what is published; when Redis restarts empty the open stream is told
    to reset, and a reader who reconnects with Last-Event-ID gets everything published while
    it was away, or `reset` when its id is gone with the old Redis."""
    port, process = stream_server
    path = f"/comments/live/{article.pk}/"
    publisher = RedisTransport(f"{private_redis.url}/{LIVE_DB}")
    reader = SseReader(port, path)
    reader.started()
    publisher.publish(article_id=article.pk, kind="comment", payload='{"id":1}')
    assert reader.event() == ("comment", {"id": 1})
    before_restart = reader.position

    private_redis.stop()
    private_redis.start()
    assert reader.event(timeout=20) == ("reset", {})

    publisher.publish(article_id=article.pk, kind="comment", payload='{"id":2}')
    assert reader.event() == ("comment", {"id": 2})
    reader.close()

    # Away while two more are published: back with its last id, it gets both, in order.
    publisher.publish(article_id=article.pk, kind="edit", payload='{"id":2}')
    publisher.publish(article_id=article.pk, kind="remove", payload='{"id":1}')
    back = SseReader(port, path, last_event_id=reader.position)
    assert [back.event(), back.event()] == [("edit", {"id": 2}), ("remove", {"id": 1})]
    back.close()

    stale = SseReader(port, path, last_event_id=before_restart)
    assert stale.event() == ("reset", {"missed": True})  # what was published since

    # Shutdown: uvicorn closes the open stream (and the browser would reconnect elsewhere).
    process.terminate()
    assert stale.closed_within(10)
    # uvicorn ends by raising the signal it handled again: -SIGTERM is its clean exit.
    assert process.wait(10) in (0, -signal.SIGTERM)
    stale.close()


def test_a_burst_of_events_reaches_each_reader_in_one_write(private_redis, stream_server, article):
    """Events published in a burst are gathered: each open stream gets them all in one
    write, in order, each with its own id (so Last-Event-ID resumes exactly), rather than
    one wake-up and one write per event and reader."""
    from comments.live import FANOUT_TICK_SECONDS

    port, _process = stream_server
    path = f"/comments/live/{article.pk}/"
    url = f"{private_redis.url}/{LIVE_DB}"
    publisher = RedisTransport(url)
    readers = [ChunkReader(port, path) for _ in range(2)]
    assert all(b"event: position" in reader.chunk() for reader in readers)

    # "Closely" is within one tick of the hub (FANOUT_TICK_SECONDS), which starts once it
    # has read the first event, so after `started`. A test descheduled for longer than a
    # tick on a busy machine has not published a burst, and the hub rightly writes it in
    # two: such a try is read out, and the burst sent again.
    for _try in range(20):
        started = time.monotonic()
        # The first event after a quiet spell goes out at once...
        publisher.publish(article_id=article.pk, kind="comment", payload='{"id":1}')
        assert all(b"event: comment" in reader.chunk() for reader in readers)
        # ...and what follows it closely, one publish after another, is gathered.
        for number in range(2, 12):
            publisher.publish(article_id=article.pk, kind="score", payload=f'{{"id":{number}}}')
        within_a_tick = time.monotonic() - started < FANOUT_TICK_SECONDS
        entries = redis.Redis.from_url(url).xrange(RedisTransport.key(article.pk))[-10:]
        expected = b"".join(
            b'id: %s\nevent: score\ndata: {"id":%d}\n\n' % (entry_id, number)
            for number, (entry_id, _fields) in enumerate(entries, start=2)
        )
        if within_a_tick:
            break
        for reader in readers:
            read = b""
            while len(read) < len(expected):
                read += reader.chunk()
            assert read == expected
    else:
        raise AssertionError("no burst was published within a tick in 20 tries")
    for reader in readers:
        assert reader.chunk() == expected
        reader.close()


def test_a_quiet_stream_hears_a_keep_alive(private_redis, article, settings, monkeypatch):
    """With nothing published, an open stream still gets a keep-alive comment every
    HEARTBEAT_SECONDS, so proxies keep it open (the article's hub tells all its readers)."""
    from asgiref.sync import async_to_sync

    from comments.live import HEARTBEAT_FRAME, RETRY_FRAME
    from comments.views_live import stream_async

    settings.PARLEY_LIVE_REDIS_URL = f"{private_redis.url}/{LIVE_DB}"
    monkeypatch.setattr("comments.live_redis.HEARTBEAT_SECONDS", 0.2)

    async def scenario() -> list[bytes]:
        chunks = []
        async with contextlib.aclosing(stream_async(article.pk, None)) as stream:
            async for chunk in stream:
                chunks.append(chunk)
                if chunks.count(HEARTBEAT_FRAME) == 2:
                    return chunks

    chunks = async_to_sync(asyncio.wait_for)(scenario(), 10)
    assert chunks[0] == RETRY_FRAME
    assert b"event: position" in chunks[1]
    assert chunks[2:] == [HEARTBEAT_FRAME, HEARTBEAT_FRAME]
