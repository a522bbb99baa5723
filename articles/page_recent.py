"""What one process keeps between requests of the shared article pages (articles/page_cache.py):
the pages it last read or stored, and whether each article's version is still the one they
were stored under.

A page's bytes change only with its article's version, so a hit reads only that version from
the shared cache, not the whole page again (the file cache also zlib-unpacks it: 0.4 ms for
100 KiB). On the embedded file cache, reading the version with Django's file cache took
about 45 µs of a hit's 0.18 ms under gunicorn, and with core.file_cache's own get about 10 µs
more than comparing the bytes of its file, as is done here (SharedFileCache.file_bytes).
"""

import threading
from typing import NamedTuple

from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

# The pages this process last read or stored, by page key.
_recent: dict = {}
RECENT_PAGES = 32


class _VersionFile(NamedTuple):
    content: bytes  # its file's bytes when the version below was read from it
    version: str


# By version key, on the file cache only.
_version_files: dict[str, _VersionFile] = {}
VERSION_FILES = 1024


def page_recalled(page_key: str):
    """The page this process last read or stored under `page_key`, if any (maybe stale)."""
    return _recent.get(page_key)


def page_remember(page_key: str, page) -> None:
    if len(_recent) >= RECENT_PAGES:
        _recent.clear()
    _recent[page_key] = page


# The file cache's file_bytes, or None on another cache, per thread as Django's caches are:
# looking the cache up (caches["default"], through asgiref's Local) on each hit cost as much
# as reading the version's file.
_this_thread = threading.local()


def _file_bytes():
    try:
        return _this_thread.file_bytes
    except AttributeError:
        _this_thread.file_bytes = getattr(caches["default"], "file_bytes", None)
        return _this_thread.file_bytes


@receiver(setting_changed)
def _cache_forget(*, setting: str, **kwargs) -> None:
    # Settings change in a running process only under tests (override_settings).
    global _this_thread
    if setting == "CACHES":
        _this_thread = threading.local()


def version_current(version_key: str, version: str) -> bool:
    """Whether the article's version in the shared cache is still `version`.

    On the file cache, equal bytes in the version's file are the same version: the bytes are
    the entry, and no version is written twice (each is a new random token). A version never
    expires (page_cache.page_found adds it with no timeout), so bytes that did not change
    cannot hide an expiry either.
    """
    file_bytes = _file_bytes()
    if file_bytes is None:
        return cache.get(version_key) == version
    known = _version_files.get(version_key)
    if known is not None and known.version == version and file_bytes(version_key) == known.content:
        return True
    # The bytes are read before the value: should the file change in between, they match
    # no later read, and the version is read through the cache again then.
    content = file_bytes(version_key)
    current = cache.get(version_key)
    if content is not None and current is not None:
        if len(_version_files) >= VERSION_FILES:
            _version_files.clear()
        _version_files[version_key] = _VersionFile(content, current)
    return current == version
