"""Where live events travel: a Redis Stream per article (live_redis.py), or buffers in this
process (here).

Both answer the same calls, for the two ways the stream view runs:
- sync (WSGI: `make run`'s runserver): `catch_up` then `wait`, in a loop;
- async (ASGI: uvicorn in production): `subscribe` gives a subscription with the same two;
  its `wait` answers False when a keep-alive is due rather than news.

`position()` answers where an article's feed is now (None: it cannot be told), for a page
to carry: its first stream resumes from there, so nothing published between the page's
build and the stream's opening is missed.

`catch_up(position)` answers the frames after `position` and the new position: with no
position, only the current one (a reader starts from now); with one the feed can no longer
account for, a `reset`.

With Redis each process reads an article's stream once, whoever is listening (a hub), and
fans it out at most once a tick (live.FANOUT_TICK_SECONDS): each reader gets what came
meanwhile in one write, the frames joined once for all who were at the same place. A
reader who reconnects is caught up from the stream itself (XRANGE), so
nothing published meanwhile is missed, whichever process answers. If the hub loses Redis,
events published meanwhile may have been dropped (publishers skip Redis while it is away,
core/breaker.py), so once it reads again its readers get `reset`.
"""

import asyncio
import contextlib
import threading
import time
from collections import deque

from .live import FEED_LENGTH, HEARTBEAT_SECONDS, Position, event_frame, position_frame, reset_frame

Frames = list[bytes]


def transport_for(redis_url: str):
    """The transport for a Redis URL ("": this process's buffers), one per URL."""
    with _registry_lock:
        if redis_url not in _transports:
            if redis_url:
                from .live_redis import RedisTransport

                _transports[redis_url] = RedisTransport(redis_url)
            else:
                _transports[redis_url] = LocalTransport()
        return _transports[redis_url]


_transports: dict = {}
_registry_lock = threading.Lock()


class Feed:
    """The last events of one article in this process, and who is waiting for the next."""

    def __init__(self):
        self.entries: deque[tuple[Position, bytes]] = deque(maxlen=FEED_LENGTH)
        self.dropped: Position = (0, 0)  # everything up to here fell off the buffer
        self.condition = threading.Condition()
        self.waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        # What `after` answered, by position, until the next event: nearly every reader of
        # an article is where the last fan-out left it, and they share one copy.
        self.batches: dict[Position, Frames] = {}

    def tail(self, floor: Position) -> Position:
        return self.entries[-1][0] if self.entries else max(self.dropped, floor)

    def append(self, position: Position, frame: bytes) -> None:
        if len(self.entries) == self.entries.maxlen:
            self.dropped = self.entries[0][0]
        self.entries.append((position, frame))
        self.batches.clear()

    def after(self, position: Position) -> Frames:
        """The frames after `position`, joined into one (a reader's one write)."""
        batch = self.batches.get(position)
        if batch is not None:
            return batch
        # From the newest back: a reader is rarely more than a tick's events behind, and a
        # thousand readers each scanning the whole buffer would cost the most.
        frames = []
        for at, frame in reversed(self.entries):
            if at <= position:
                break
            frames.append(frame)
        frames.reverse()
        batch = self.batches[position] = [b"".join(frames)] if frames else []
        return batch

    def wake(self) -> None:
        """Wake sync waiters (hold `condition`) and async ones, whatever thread this is."""
        self.condition.notify_all()
        for loop, event in list(self.waiters):
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)


class LocalTransport:
    """The embedded default: a buffer per article in this process (one process only)."""

    def __init__(self):
        # Positions are (this process's start, sequence): one from an earlier run of the
        # site (runserver reloaded) is recognised and answered with a reset.
        self.epoch = time.time_ns() // 1_000_000
        self.sequence = 0
        self.lock = threading.Lock()
        self.feeds: dict[int, Feed] = {}

    def _feed(self, article_id: int) -> Feed:
        with self.lock:
            feed = self.feeds.get(article_id)
            if feed is None:
                feed = self.feeds[article_id] = Feed()
            return feed

    def publish(self, *, article_id: int, kind: str, payload: str) -> None:
        feed = self._feed(article_id)
        with feed.condition:
            with self.lock:
                self.sequence += 1
                position = (self.epoch, self.sequence)
            feed.append(position, event_frame(position=position, kind=kind, payload=payload))
            feed.wake()

    def publish_many(self, events: list[tuple[int, str, str]]) -> None:
        """(article id, kind, payload) events, in order."""
        for article_id, kind, payload in events:
            self.publish(article_id=article_id, kind=kind, payload=payload)

    def position(self, article_id: int) -> Position | None:
        feed = self._feed(article_id)
        with feed.condition:
            return feed.tail((self.epoch, 0))

    def catch_up(self, article_id: int, position: Position | None) -> tuple[Frames, Position]:
        feed = self._feed(article_id)
        with feed.condition:
            tail = feed.tail((self.epoch, 0))
            if position is None:
                return [position_frame(tail)], tail
            if position[0] != self.epoch or position > tail or position < feed.dropped:
                missed = tail > max(position, (self.epoch, 0))
                return [reset_frame(tail, missed=missed)], tail
            return feed.after(position), tail

    def wait(self, article_id: int, position: Position, timeout: float) -> bool:
        feed = self._feed(article_id)
        with feed.condition:
            return feed.condition.wait_for(
                lambda: feed.tail((self.epoch, 0)) != position, timeout=timeout
            )

    @contextlib.asynccontextmanager
    async def subscribe(self, article_id: int):
        subscription = _LocalSubscription(self, article_id)
        feed = subscription.feed
        with feed.condition:
            feed.waiters.add(subscription.waiter)
        try:
            yield subscription
        finally:
            with feed.condition:
                feed.waiters.discard(subscription.waiter)


class _LocalSubscription:
    def __init__(self, transport: LocalTransport, article_id: int):
        self.transport = transport
        self.article_id = article_id
        self.feed = transport._feed(article_id)
        self.event = asyncio.Event()
        self.waiter = (asyncio.get_running_loop(), self.event)

    async def catch_up(self, position: Position | None) -> tuple[Frames, Position]:
        self.event.clear()
        return self.transport.catch_up(self.article_id, position)

    async def wait(self) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(HEARTBEAT_SECONDS):
                await self.event.wait()
        return self.event.is_set()
