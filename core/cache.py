"""The caches: Redis in production, a file cache when embedded.

ParleyRedisCache is django-redis, degrading instead of failing while Redis is away.

Every call the site makes goes through Redis's circuit breaker (core/breaker.py): while Redis
is down or hung it is skipped at once, and a call that fails trips the breaker. What a
skipped call answers is what an empty, writable cache would: reads miss, writes are dropped,
and `add` reports success. That last one matters: allauth's rate limiter takes a lock with
`add` before counting a login, and django-redis alone answers False during an outage, which
refuses every login (tests/core/test_rate_limits.py shows it). So every limiter fails open.

SharedFileCache is the embedded default: every process on the machine shares it (several
gunicorn workers see one page cache and one set of rate-limit counts), and its counting
calls take a file lock, because Django's file cache reads then writes and two processes
counting at once would both write the same number.
"""

import fcntl
import functools
import itertools
import logging
import os
import pickle
import threading
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.filebased import FileBasedCache
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


def _write_refused(where: str, refusal: str) -> None:
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


def _write_refusal(where: str) -> str | None:
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
                _write_refused(
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
        return _write_refusal(self._missed_key)

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


# Django's file cache lists its whole directory on every write to see whether it is full:
# with up to MAX_ENTRIES files there, milliseconds on each post's rate-limit count and page
# drop. Looking once every CULL_EVERY writes of a process lets it pass the limit by at most
# that many entries per process before it is trimmed (a soft limit, as Django's own culling
# of a random third is).
CULL_EVERY = 64
# Keys whose file paths a process keeps (file_bytes): past this many, it starts again.
KNOWN_PATHS = 1024
_writes = itertools.count(1)


def _unless_unwritable(method):
    """A write to the cache folder that the disk refuses (full, read-only, no permission)
    answers as a write dropped by an empty cache would, instead of failing the request it
    was part of: a page served uncached, a limit not counted. The folder is on the
    operator's disk, so say so in the log, once a minute at most."""

    @functools.wraps(method)
    def write(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (FileNotFoundError, IsADirectoryError):
            raise
        except OSError as error:
            reason = error.strerror or str(error)
            _write_refused(self._dir, f"the cache folder {self._dir} cannot be written ({reason})")
            return self.unwritable_answers.get(method.__name__)

    return write


class SharedFileCache(FileBasedCache):
    # What a write answers when the folder cannot be written: `add` succeeds, so every
    # limiter lets requests through, as ParleyRedisCache's do while Redis is away.
    unwritable_answers = {"add": True, "delete": False, "touch": False}

    def unwritable_reason(self) -> str | None:
        """What the folder refused in this process within the last minute, if anything."""
        return _write_refusal(self._dir)

    def _cull(self):
        if next(_writes) % CULL_EVERY == 0:
            super()._cull()

    def file_bytes(self, key, version=None) -> bytes | None:
        """A key's file as it is stored (its expiry and value, compressed), or None without
        one: a few µs, where get() costs tens (the key's hash, then unpickling). Every write
        replaces the file, so equal bytes from two reads are the entry unchanged between
        them, though not whether it expired meanwhile."""
        paths = self._paths
        path = paths.get((key, version))
        if path is None:
            if len(paths) >= KNOWN_PATHS:
                paths.clear()
            path = paths[key, version] = self._key_to_file(key, version)
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            return None
        try:
            chunks = []
            while chunk := os.read(descriptor, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(descriptor)

    @functools.cached_property
    def _paths(self) -> dict:
        return {}

    @contextmanager
    def _counting(self):
        path = os.path.join(self._dir, ".counting.lock")
        try:
            handle = open(path, "a")  # noqa: SIM115 - closed below, after the lock
        except FileNotFoundError:  # the cache's folder was removed: as set() does, remake it
            self._createdir()
            handle = open(path, "a")  # noqa: SIM115
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    set = _unless_unwritable(FileBasedCache.set)
    touch = _unless_unwritable(FileBasedCache.touch)
    delete = _unless_unwritable(FileBasedCache.delete)

    @_unless_unwritable
    def add(self, key, value, timeout=None, version=None, **kwargs):
        # A key that is there needs no lock to say so: a rate limit counts each request
        # with an add that finds its key, then an incr.
        if self.has_key(key, version):
            return False
        with self._counting():
            if self.has_key(key, version):
                return False
            # The file cache's own set, not the guarded one: a refused write is the add's.
            FileBasedCache.set(self, key, value, timeout, version)
            return True

    @_unless_unwritable
    def incr(self, key, delta=1, version=None):
        """Add `delta` to a number in place, keeping its expiry, as Redis's INCR does.

        Django's file cache reads the value, then writes a temporary file and renames it
        over the old one, with a new expiry (the default timeout, whatever the key was
        added with): most of a rate-limited post's cache time. Counting calls hold the
        lock, so the file is rewritten where it is. The one read that skips the lock,
        add's first look, reads only the expiry, which stays as it was; and a number
        shorter than the last leaves bytes after its stream only until the truncate, which
        zlib would pass over anyway."""
        with self._counting():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "r+b") as f:
                    if self._is_expired(f):  # which removes the file
                        raise ValueError(f"Key '{key}' not found")
                    start = f.tell()
                    # The cache's own file, as Django's file cache itself unpickles it.
                    value = pickle.loads(zlib.decompress(f.read())) + delta  # noqa: S301
                    f.seek(start)
                    f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
                    f.truncate()
                    return value
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None


class SharedFileClaims(SharedFileCache):
    """The embedded beat's claims (core/embedded_beat.py): a claim that could not be written
    is not a claim, or every web process would run every job at every tick."""

    unwritable_answers = {**SharedFileCache.unwritable_answers, "add": False}
