"""A circuit breaker for Redis: once a call to it fails, stop calling for a while.

A Redis that hangs (rather than refuses) costs each call its whole socket timeout; a page
makes several cache calls and a post a few more plus the broker, so every request would
wait seconds. After one failure the breaker opens: cache and broker calls are skipped at
once (reads miss, limiters let requests through, comments wait as pending for the sweep)
for at least a short cool-down, and a background probe, not a reader's request, decides
when Redis answers again and closes it.

One breaker per Redis server and process: the cache and the broker share a server, so a
failure seen by either spares both.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import redis

logger = logging.getLogger(__name__)

COOL_DOWN_SECONDS = 5.0  # skip Redis at least this long after a failure
PROBE_EVERY_SECONDS = 0.5
PROBE_TIMEOUT_SECONDS = 0.25


class CircuitBreaker:
    def __init__(self, url: str):
        self.url = url
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probe: threading.Thread | None = None
        self._on_close: list = []

    def when_closed(self, callback) -> None:
        """Call `callback()` each time Redis answers again after a failure."""
        with self._lock:
            if callback not in self._on_close:
                self._on_close.append(callback)

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def trip(self, error: BaseException | None = None) -> None:
        """A call to Redis failed: skip Redis until the probe sees it answer again."""
        with self._lock:
            if self._opened_at is None:
                logger.warning(
                    "Redis at %s failed (%s); skipping it until it answers again",
                    _where(self.url), type(error).__name__ if error else "error",
                )  # fmt: skip
            self._opened_at = time.monotonic()
            # The probe clears self._probe, under this lock, as it leaves: a trip either
            # finds it still looping (it will see the breaker open again) or starts one.
            if self._probe is None:
                self._probe = threading.Thread(
                    target=self._probe_until_closed, name="redis-breaker-probe", daemon=True
                )
                self._probe.start()

    def close(self) -> None:
        with self._lock:
            was_open = self._opened_at is not None
            if was_open:
                logger.warning("Redis at %s answers again; using it", _where(self.url))
            self._opened_at = None
            callbacks = list(self._on_close) if was_open else []
        for callback in callbacks:
            callback()

    def reset(self) -> None:
        """Closed, without what Redis answering again sets off (close's callbacks): for tests,
        which start every breaker closed whatever an earlier test did to its Redis."""
        with self._lock:
            self._opened_at = None

    def _probe_until_closed(self) -> None:
        client = redis.Redis.from_url(
            self.url,
            socket_timeout=PROBE_TIMEOUT_SECONDS,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        )
        try:
            while True:
                time.sleep(PROBE_EVERY_SECONDS)
                with self._lock:
                    opened_at = self._opened_at
                    if opened_at is None:
                        self._probe = None
                        return
                if time.monotonic() - opened_at < COOL_DOWN_SECONDS:
                    continue
                try:
                    client.ping()
                except redis.RedisError:
                    continue
                # Not leaving yet: a call that fails just after this (a connection left
                # broken by the outage) trips the breaker again, and this loop must still be
                # here to close it. Before, the probe left right after closing, and such a
                # trip found it alive, started none, and the breaker stayed open for good.
                self.close()
        finally:
            client.close()


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}"


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(url: str) -> CircuitBreaker:
    """The breaker of the Redis server `url` points at (any database number on it)."""
    parts = urlsplit(url)
    key = _where(url)
    with _registry_lock:
        if key not in _breakers:
            _breakers[key] = CircuitBreaker(f"{parts.scheme}://{parts.netloc}/0")
        return _breakers[key]


def breakers_reset() -> None:
    """Close every breaker (tests start from a clean state), without what Redis answering
    again sets off: the cache's replay of missed deletes would reach a Redis an earlier test
    has stopped, trip the breaker again and log, once for every later test."""
    with _registry_lock:
        for breaker in _breakers.values():
            breaker.reset()
