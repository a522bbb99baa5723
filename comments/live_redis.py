"""Live events through Redis: a Stream per article (`parley:live:<id>`), trimmed to its last
events, read once per process and article by a hub (comments/live_transport.py says how
the two transports are used)."""

import asyncio
import contextlib
import logging

import redis
import redis.asyncio as aioredis
from django.conf import settings

from core.breaker import breaker_for

from .live import (
    FANOUT_TICK_SECONDS,
    FEED_LENGTH,
    HEARTBEAT_SECONDS,
    Position,
    event_frame,
    position_frame,
    position_text,
    reset_frame,
)
from .live_transport import Feed, Frames

logger = logging.getLogger(__name__)

# Redis keeps a quiet article's feed this long; a reader back later is told to reload.
FEED_SECONDS = 7 * 24 * 3600
BLOCK_MILLISECONDS = 10_000
RECONNECT_SECONDS = 0.5


def _position(entry_id: bytes | str) -> Position:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    first, _, second = text.partition("-")
    return int(first), int(second or 0)


def _frame(entry_id, fields: dict) -> tuple[Position, bytes]:
    position = _position(entry_id)
    return position, event_frame(
        position=position, kind=fields[b"k"].decode(), payload=fields[b"d"].decode()
    )


class RedisTransport:
    """A Redis Stream per article (`parley:live:<id>`), trimmed to its last events."""

    def __init__(self, url: str):
        self.url = url
        self.breaker = breaker_for(url)
        timeout = settings.REDIS_SOCKET_TIMEOUT
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        # One hub per article and event loop (an asyncio client belongs to its loop).
        self.hubs: dict[tuple[int, int], _Hub] = {}

    @staticmethod
    def key(article_id: int) -> str:
        return f"parley:live:{article_id}"

    def publish(self, *, article_id: int, kind: str, payload: str) -> None:
        self.publish_many([(article_id, kind, payload)])

    def publish_many(self, events: list[tuple[int, str, str]]) -> None:
        """(article id, kind, payload) events, in order, in one round trip."""
        if self.breaker.is_open:
            logger.info("%d live events dropped: Redis is away", len(events))
            return
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for article_id, kind, payload in events:
                    key = self.key(article_id)
                    pipe.xadd(key, {"k": kind, "d": payload}, maxlen=FEED_LENGTH, approximate=True)
                    pipe.expire(key, FEED_SECONDS)
                pipe.execute()
        except redis.RedisError as error:
            self.breaker.trip(error)
            logger.warning("%d live events dropped: %s", len(events), error)

    def position(self, article_id: int) -> Position | None:
        if self.breaker.is_open:
            return None
        try:
            last = self.client.xrevrange(self.key(article_id), "+", "-", count=1)
        except redis.RedisError as error:
            self.breaker.trip(error)
            logger.warning("live stream position of article %s not read: %s", article_id, error)
            return None
        # (0, 0) for a feed with no events yet: a stream resumed from it gets them all.
        return _position(last[0][0]) if last else (0, 0)

    # The sync side (WSGI): each stream reads Redis itself; it only serves `make run`-like
    # setups, production streams come from the ASGI server's hubs.
    def catch_up(self, article_id: int, position: Position | None) -> tuple[Frames, Position]:
        return _catch_up(self.client, self.key(article_id), position)

    def wait(self, article_id: int, position: Position, timeout: float) -> bool:
        reader = redis.Redis.from_url(self.url, socket_timeout=timeout + 5)
        try:
            reply = reader.xread(
                {self.key(article_id): position_text(position)},
                block=max(1, int(timeout * 1000)),
                count=1,
            )
        finally:
            reader.close()
        return bool(reply)

    @contextlib.asynccontextmanager
    async def subscribe(self, article_id: int):
        loop = asyncio.get_running_loop()
        index = (article_id, id(loop))
        hub = self.hubs.get(index)
        if hub is None or hub.loop is not loop:
            hub = self.hubs[index] = _Hub(self, article_id, loop)
        hub.subscribers += 1
        try:
            yield _RedisSubscription(hub)
        finally:
            hub.subscribers -= 1
            if hub.subscribers == 0:
                hub.stop()
                if self.hubs.get(index) is hub:
                    del self.hubs[index]


def _catch_up(client, key: str, position: Position | None, upto: str = "+"):
    """Read the frames after `position` (up to `upto`) from the stream (sync or async)."""
    if position is None:
        last = client.xrevrange(key, "+", "-", count=1)
        tail = _position(last[0][0]) if last else (0, 0)
        return [position_frame(tail)], tail
    at = position_text(position)
    if not _holds_after(position, _after_check(client, key, position)):
        last = client.xrevrange(key, "+", "-", count=1)
        tail = _position(last[0][0]) if last else (0, 0)
        return [reset_frame(tail, missed=tail > position)], tail
    frames = [_frame(entry_id, fields) for entry_id, fields in client.xrange(key, f"({at}", upto)]
    return [frame for _, frame in frames], (frames[-1][0] if frames else position)


def _after_check(client, key: str, position: Position):
    """Ask whether the stream still holds everything after `position` (sync or async; the
    answer goes to _holds_after). The reader's own last event must still be there: if Redis
    lost or trimmed it, what came after it cannot be told apart from what was lost. 0-0 (a
    page built while the feed was empty) has no event of its own: nothing may have been
    trimmed since, which the stream's count of entries ever added tells."""
    if position == (0, 0):
        # A pipeline answers a missing stream's error rather than raising it (and resets
        # itself after executing).
        return client.pipeline(transaction=False).xinfo_stream(key).execute(raise_on_error=False)
    at = position_text(position)
    return client.xrange(key, at, at, count=1)


def _holds_after(position: Position, answer) -> bool:
    if position != (0, 0):
        return bool(answer)
    info = answer[0]
    if isinstance(info, redis.ResponseError):
        return True  # no stream: nothing was published, nor trimmed
    added = info.get("entries-added")  # Redis 7 on; before it, a full feed may be trimmed
    return info["length"] == added if added is not None else info["length"] < FEED_LENGTH


async def _acatch_up(client, key: str, position: Position, upto: Position):
    answer = _after_check(client, key, position)
    if not _holds_after(position, await answer):
        return None
    at = position_text(position)
    if position >= upto:
        return []
    entries = await client.xrange(key, f"({at}", position_text(upto))
    return [_frame(entry_id, fields)[1] for entry_id, fields in entries]


class _Hub:
    """This process's one reader of an article's stream, for every subscriber on a loop."""

    def __init__(self, transport: RedisTransport, article_id: int, loop):
        self.transport = transport
        self.key = transport.key(article_id)
        self.loop = loop
        self.client = aioredis.Redis.from_url(
            transport.url,
            socket_timeout=BLOCK_MILLISECONDS / 1000 + 5,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        self.feed = Feed()
        self.floor: Position = (0, 0)  # the feed holds everything after this
        self.generation = 0  # one more each time reading resumed after losing Redis
        self.started = False
        self.subscribers = 0
        self.changed = asyncio.Event()
        self.beats = 0  # heartbeats told so far
        self.task = loop.create_task(self._read())
        self.beat = loop.call_later(HEARTBEAT_SECONDS, self._heartbeat)

    def _tell(self) -> None:
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()

    def _heartbeat(self) -> None:
        # One timer for all of the hub's readers: a timeout around each reader's every wait
        # took about 40 % of the stream server's CPU per event and reader.
        self.beats += 1
        self._tell()
        self.beat = self.loop.call_later(HEARTBEAT_SECONDS, self._heartbeat)

    async def _tail(self) -> Position:
        last = await self.client.xrevrange(self.key, "+", "-", count=1)
        return _position(last[0][0]) if last else (0, 0)

    async def _read(self) -> None:
        lost = False
        while True:
            try:
                if not self.started or lost:
                    self.floor = await self._tail()
                    self.feed = Feed()
                    self.generation += lost
                    self.started, lost = True, False
                    self._tell()
                at = self.feed.tail(self.floor)
                text = position_text(at)
                # A pooled connection that Redis closed is reopened without a word, so a
                # restart between two reads goes unseen: the last entry read, asked for in
                # the same round trip, says whether this is still the stream read so far
                # (gone too when more than the feed's length was published meanwhile).
                async with self.client.pipeline(transaction=False) as pipe:
                    pipe.xrange(self.key, text, text, count=1)
                    pipe.xread({self.key: text}, block=BLOCK_MILLISECONDS, count=FEED_LENGTH)
                    still_there, reply = await pipe.execute()
                if at != (0, 0) and not still_there:
                    logger.warning("live stream %s: Redis lost what was read", self.key)
                    lost = True
                    continue
                for _key, entries in reply or ():
                    for entry_id, fields in entries:
                        self.feed.append(*_frame(entry_id, fields))
                if reply:
                    self._tell()
                    # What is published meanwhile gathers in Redis, and the next read hands
                    # it to every reader at once (FANOUT_TICK_SECONDS).
                    await asyncio.sleep(FANOUT_TICK_SECONDS)
            except asyncio.CancelledError:
                raise
            except (redis.RedisError, OSError) as error:
                if not lost:
                    logger.warning("live stream %s: lost Redis (%s)", self.key, error)
                lost = True
                await asyncio.sleep(RECONNECT_SECONDS)

    def stop(self) -> None:
        self.beat.cancel()
        self.task.cancel()
        self.loop.create_task(self.client.aclose())


class _RedisSubscription:
    def __init__(self, hub: _Hub):
        self.hub = hub
        self.generation = hub.generation
        self.changed = hub.changed
        self.beats = hub.beats
        self.checked = False  # the position a reader came back with

    async def catch_up(self, position: Position | None) -> tuple[Frames, Position]:
        hub = self.hub
        self.changed, self.beats = hub.changed, hub.beats
        if not hub.started:
            return [], position  # the next change (Redis read) brings the position
        tail = hub.feed.tail(hub.floor)
        if self.generation != hub.generation:
            self.generation = hub.generation
            return [reset_frame(tail)], tail
        if position is None:
            self.checked = True
            return [position_frame(tail)], tail
        if position > tail:
            return [reset_frame(tail)], tail
        frames: Frames = []
        if not self.checked:
            # A reader back with the id it last had: it must still be in the stream (not
            # lost with a Redis that restarted empty, nor trimmed), and what came after it
            # up to where this hub took over is read from the stream itself.
            self.checked = True
            upto = max(position, hub.floor)
            try:
                before = await _acatch_up(hub.client, hub.key, position, upto)
            except (redis.RedisError, OSError):
                before = None
            if before is None:
                return [reset_frame(tail, missed=tail > position)], tail
            frames, position = before, upto
        if position < hub.feed.dropped:
            return [reset_frame(tail, missed=True)], tail
        return frames + hub.feed.after(position), tail

    async def wait(self) -> bool:
        await self.changed.wait()
        return self.hub.beats == self.beats  # False: the hub's heartbeat
