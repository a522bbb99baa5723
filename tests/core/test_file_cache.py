"""The embedded file cache (core.cache.SharedFileCache) checks whether it is full once
every CULL_EVERY writes, not on each one, and still trims itself past its limit."""

import itertools

import pytest

from core import cache as cache_module
from core.cache import SharedFileCache


@pytest.fixture
def small_cache(tmp_path):
    return SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}})


def test_a_write_does_not_list_the_directory_each_time(small_cache, monkeypatch):
    listed = []
    original = SharedFileCache._list_cache_files

    def counting(self):
        listed.append(1)
        return original(self)

    monkeypatch.setattr(SharedFileCache, "_list_cache_files", counting)
    for n in range(cache_module.CULL_EVERY * 3):
        small_cache.set(f"key-{n}", n)
    assert len(listed) == 3


def test_the_cache_still_trims_itself_past_its_limit(small_cache, monkeypatch):
    # The count of writes is the process's, shared with every cache earlier tests wrote to:
    # start it afresh, so that the last of these writes is one that checks.
    monkeypatch.setattr(cache_module, "_writes", itertools.count(1))
    for n in range(cache_module.CULL_EVERY * 4):
        small_cache.set(f"key-{n}", n)
    entries = len(small_cache._list_cache_files())
    # Never more than the limit plus the writes between two checks.
    assert entries <= 50 + cache_module.CULL_EVERY
    assert entries < cache_module.CULL_EVERY * 4
    assert small_cache.get(f"key-{cache_module.CULL_EVERY * 4 - 1}") is not None
