"""The embedded default cache: files in one folder, which every process on the machine shares
(several gunicorn workers see one page cache and one set of rate-limit counts). Its counting
calls take a file lock, because Django's file cache reads then writes and two processes
counting at once would both write the same number; its reads skip what Django's redo on each
one; and a write the disk refuses drops, as an empty cache's would, instead of failing the
request (core/cache.py logs it).
"""

import fcntl
import functools
import io
import itertools
import os
import pickle
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.filebased import FileBasedCache

from .cache import cache_write_refusal, cache_write_refused

# Django's file cache lists its whole directory on every write to see whether it is full:
# with up to MAX_ENTRIES files there, milliseconds on each post's rate-limit count and page
# drop. Looking once every CULL_EVERY writes of a process lets it pass the limit by at most
# that many entries per process before it is trimmed (a soft limit, as Django's own culling
# of a random third is).
CULL_EVERY = 64
# Keys whose file paths a process keeps (_path): past this many, it starts again.
KNOWN_PATHS = 1024
# Bytes asked of a file in one read: more than any entry but a page (the pages are 100 KiB or so).
READ_AT_ONCE = 65536
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
            cache_write_refused(
                self._dir, f"the cache folder {self._dir} cannot be written ({reason})"
            )
            return self.unwritable_answers.get(method.__name__)

    return write


class SharedFileCache(FileBasedCache):
    # What a write answers when the folder cannot be written: `add` succeeds, so every
    # limiter lets requests through, as ParleyRedisCache's do while Redis is away.
    unwritable_answers = {"add": True, "delete": False, "touch": False}

    def unwritable_reason(self) -> str | None:
        """What the folder refused in this process within the last minute, if anything."""
        return cache_write_refusal(self._dir)

    def _cull(self):
        if next(_writes) % CULL_EVERY == 0:
            super()._cull()

    # FileBasedCache's reads, on a path worked out once per key and with the file read whole
    # in one call: Django's get() hashes and checks the key each time, then reads the file
    # through a buffered file object. The three keys every post reads (the bans and rules in
    # one get_many, then the webhooks) took 47 µs together in a loop, and take 27 this way,
    # most of it now unpickling their values.

    def get(self, key, default=None, version=None):
        content = self.file_bytes(key, version)
        if content is None:
            return default
        stream = io.BytesIO(content)
        if self._expired_in(stream, key, version):
            return default
        # The cache's own file, as Django's file cache itself unpickles it.
        return pickle.loads(zlib.decompress(stream.read()))  # noqa: S301

    def has_key(self, key, version=None):
        content = self.file_bytes(key, version)
        return content is not None and not self._expired_in(io.BytesIO(content), key, version)

    def _expired_in(self, stream, key, version) -> bool:
        """FileBasedCache._is_expired on the file's bytes: an entry past its expiry (or an
        empty file) is deleted, and is not there."""
        try:
            expiry = pickle.load(stream)  # noqa: S301 - as above
        except EOFError:
            expiry = 0
        if expiry is not None and expiry < time.time():
            self._delete(self._path(key, version))
            return True
        return False

    def file_bytes(self, key, version=None) -> bytes | None:
        """A key's file as it is stored (its expiry and value, compressed), or None without
        one: equal bytes from two reads are the same entry, the same value under the same
        expiry, though they do not say whether it expired meanwhile."""
        try:
            descriptor = os.open(self._path(key, version), os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            chunk = os.read(descriptor, READ_AT_ONCE)
            if len(chunk) < READ_AT_ONCE:
                # A file gives less than asked only at its end: no second read to find it.
                return chunk
            chunks = [chunk]
            while chunk := os.read(descriptor, READ_AT_ONCE):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(descriptor)

    def _path(self, key, version=None) -> str:
        paths = self._paths
        path = paths.get((key, version))
        if path is None:
            if len(paths) >= KNOWN_PATHS:
                paths.clear()
            path = paths[key, version] = self._key_to_file(key, version)
        return path

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
            fname = self._path(key, version)
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
