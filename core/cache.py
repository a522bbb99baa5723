"""The cache in production: Redis.

ParleyRedisCache is django-redis, degrading instead of failing while Redis is away.

Every call the site makes goes through Redis's circuit breaker (core/breaker.py): while Redis
is down or hung it is skipped at once, and a call that fails trips the breaker. What a
skipped call answers is what an empty, writable cache would: reads miss, writes are dropped,
and `add` reports success. That last one matters: allauth's rate limiter takes a lock with
`add` before counting a login, and django-redis alone answers False during an outage, which
refuses every login (tests/core/test_rate_limits.py shows it). So every limiter fails open.

The embedded default, a file cache, is core/file_cache.py. A write either cache refuses is
logged here, once a minute at most, and reported by /healthz.
"""

import logging
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError, ResponseError

from .breaker import breaker_for

logger = logging.getLogger(__name__)

# A write skipped while Redis was away leaves what was there before: a page's old version
# token, the bans or rules from before a moderator's change (kept up to an hour). The keys
# are remembered, per process and server, and deleted once Redis answers again (a delete
# only makes a miss, whatever the key held); past MISSED_KEYS the whole cache is cleared.
MISSED_KEYS = 10_000
_missed: dict[str, set | None] = {}
_replayers: dict[str, "ParleyRedisCache"] = {}
_missed_lock = threading.Lock()


# How often a process says again that its cache refuses writes, while it does.
UNWRITABLE_LOG_SECONDS = 60
_unwritable_logged_at = 0.0
# Each cache's last refused write in this process: (when, what was refused), for /healthz.
_unwritable: dict[str, tuple[float, str]] = {}


def cache_write_refused(where: str, refusal: str) -> None:
    """A cache (its folder, or its Redis) refused a write: remember why for /healthz, and
    say so in the log once a minute at most, not once per request."""
    global _unwritable_logged_at
    now = time.monotonic()
    _unwritable[where] = (now, refusal)
    if now - _unwritable_logged_at >= UNWRITABLE_LOG_SECONDS:
        _unwritable_logged_at = now
        logger.warning(
            "%s: pages are served uncached and limits let requests through until it can",
            refusal,
        )


def cache_write_refusal(where: str) -> str | None:
    """What this cache refused in this process within the last minute, if anything."""
    when, refusal = _unwritable.get(where, (0.0, None))
    return refusal if time.monotonic() - when < UNWRITABLE_LOG_SECONDS else None


def _keys_of(name: str, args, kwargs) -> list:
    first = args[0] if args else kwargs.get("key", kwargs.get("keys", kwargs.get("data")))
    return list(first) if name in ("set_many", "delete_many") else [first]


def _guarded(name: str, skipped):
    def call(self, *args, **kwargs):
        if self.breaker.is_open:
            self.missed(name, args, kwargs)
            return skipped
        try:
            return getattr(self.client, name)(*args, **kwargs)
        except ConnectionInterrupted as error:
            if isinstance(error.__cause__, ResponseError):
                # Redis answered, refusing this command (at its maxmemory under noeviction,
                # say): it is not away, so reads, deletes and the broker go on using it.
                # Tripping the breaker skipped them too and, as the probe's PING was
                # answered, flapped it every few seconds with three log lines each time.
                cache_write_refused(
                    self._missed_key, f"the cache's Redis refuses writes ({error.__cause__})"
                )
                return skipped
            self.missed(name, args, kwargs)
            self.breaker.trip(error.__cause__)
            return skipped

    call.__name__ = name
    return call


class ParleyRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        first = server if isinstance(server, str) else server[0]
        self.breaker = breaker_for(first.split(",")[0])
        self._missed_key = str(server)
        # Django makes a cache object per thread: one of them replays, or each thread a
        # server ever had would be kept alive by the breaker.
        with _missed_lock:
            if self._missed_key not in _replayers:
                _replayers[self._missed_key] = self
                self.breaker.when_closed(self._missed_replay)

    def missed(self, name: str, args, kwargs) -> None:
        """Remember the keys of a write (set, delete) that did not reach Redis."""
        if name not in ("set", "set_many", "delete", "delete_many"):
            return
        version = kwargs.get("version")
        with _missed_lock:
            keys = _missed.setdefault(self._missed_key, set())
            if keys is None:
                return
            keys.update(self.make_key(key, version=version) for key in _keys_of(name, args, kwargs))
            if len(keys) > MISSED_KEYS:
                _missed[self._missed_key] = None

    def _missed_replay(self) -> None:
        with _missed_lock:
            if self._missed_key not in _missed:
                return
            keys = _missed.pop(self._missed_key)
        try:
            if keys is None:
                self.client.clear()
            elif keys:
                self.client.get_client(write=True).delete(*keys)
        except (RedisError, ConnectionInterrupted) as error:  # away again: keep them for later
            with _missed_lock:
                now = _missed.get(self._missed_key, set())
                _missed[self._missed_key] = None if None in (keys, now) else now | keys
            self.breaker.trip(error)
            return
        logger.warning(
            "Redis is back: dropped %s cache entries written while it was away",
            "all" if keys is None else len(keys),
        )

    def unwritable_reason(self) -> str | None:
        """What Redis refused in this process within the last minute, if anything."""
        return cache_write_refusal(self._missed_key)

    def get(self, key, default=None, version=None, client=None):
        if self.breaker.is_open:
            return default
        try:
            return self.client.get(key, default=default, version=version, client=client)
        except ConnectionInterrupted as error:
            self.breaker.trip(error.__cause__)
            return default

    add = _guarded("add", True)
    set = _guarded("set", False)
    get_many = _guarded("get_many", {})
    set_many = _guarded("set_many", [])
    delete = _guarded("delete", False)
    delete_many = _guarded("delete_many", 0)
    incr = _guarded("incr", None)
    decr = _guarded("decr", None)
    has_key = _guarded("has_key", False)
    touch = _guarded("touch", False)
    clear = _guarded("clear", False)
