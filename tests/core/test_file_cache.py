"""The embedded file cache (core.file_cache.SharedFileCache) checks whether it is full once
every CULL_EVERY writes, not on each one, and still trims itself past its limit."""

import itertools
import os

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from core import file_cache as cache_module
from core.file_cache import SharedFileCache


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


# Counting: rate limits count each request with an add that finds its key, then an incr.


def _count_in_processes(directory: str, key: str, counts: int) -> int:
    cache = SharedFileCache(directory, {})
    for _ in range(counts):
        cache.add(key, 0, timeout=3600)
        cache.incr(key)
    return counts


def test_counting_in_several_processes_at_once_loses_no_count(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        done = pool.starmap(_count_in_processes, [(str(tmp_path), "hits", 150)] * 4)
    assert SharedFileCache(str(tmp_path), {}).get("hits") == sum(done) == 600


def test_a_count_keeps_the_expiry_its_key_was_added_with(small_cache, monkeypatch):
    # Django's file cache wrote every incremented number with the default timeout (300 s),
    # so a count added for a day, as a comment's scoring deliveries are, lasted five minutes.
    import time

    small_cache.add("deliveries", 0, timeout=24 * 3600)
    assert small_cache.incr("deliveries") == 1
    assert small_cache.incr("deliveries", 5) == 6
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert small_cache.get("deliveries") == 6
    assert small_cache.incr("deliveries") == 7


def test_a_limiters_add_then_counts_hash_its_key_once(small_cache, monkeypatch):
    """A rate limit adds its key, then counts it on every request: the key's path is worked
    out once (SharedFileCache._path) for the reads and the counts, not hashed by each count."""
    hashed, original = [], SharedFileCache._key_to_file
    monkeypatch.setattr(
        SharedFileCache,
        "_key_to_file",
        lambda self, key, version=None: hashed.append(key) or original(self, key, version),
    )
    assert small_cache.add("limit", 0, timeout=60)
    assert [small_cache.incr("limit") for _ in range(3)] == [1, 2, 3]
    assert not small_cache.add("limit", 0, timeout=60)
    # Once for the reads and the counts, once by the add's write (Django's own set).
    assert hashed == ["limit", "limit"]


def test_a_count_past_its_expiry_is_gone(small_cache, monkeypatch):
    import time

    small_cache.add("hits", 0, timeout=60)
    small_cache.incr("hits")
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ValueError):
        small_cache.incr("hits")
    assert small_cache.get("hits") is None
    assert small_cache.add("hits", 0, timeout=60)
    assert small_cache.incr("hits") == 1


def test_a_missing_count_is_a_value_error_as_djangos_caches_say(small_cache):
    with pytest.raises(ValueError):
        small_cache.incr("never-added")


def test_a_count_grows_past_every_size_of_number(small_cache):
    # A longer number makes a longer file and a shorter one (rare, but zlib's output does
    # not only grow) leaves bytes behind until the truncate: each is read back whole.
    small_cache.add("big", 0, timeout=60)
    for delta in (1, 300, 70_000, 5_000_000_000, -5_000_070_300, 2**70):
        before = small_cache.get("big")
        assert small_cache.incr("big", delta) == before + delta
        assert small_cache.get("big") == before + delta


def test_adding_a_key_that_is_there_takes_no_lock(small_cache, monkeypatch):
    small_cache.add("hits", 0, timeout=60)
    locks = []
    original = SharedFileCache._counting

    def counting(self):
        locks.append(1)
        return original(self)

    monkeypatch.setattr(SharedFileCache, "_counting", counting)
    assert small_cache.add("hits", 0, timeout=60) is False
    assert locks == []
    assert small_cache.add("other", 0, timeout=60) is True
    assert locks == [1]


def test_counting_remakes_a_removed_folder(tmp_path):
    import shutil

    cache = SharedFileCache(str(tmp_path / "cache"), {})
    shutil.rmtree(tmp_path / "cache")
    assert cache.add("hits", 0, timeout=60)
    assert cache.incr("hits") == 1


def test_a_files_bytes_stay_equal_until_another_cache_object_changes_it(tmp_path):
    """file_bytes (the shared page's version check) reads a key's file as stored: equal
    while nobody writes the key, different once another process's cache object writes it,
    None once it is deleted, and right again after the folder was emptied."""
    here, elsewhere = SharedFileCache(str(tmp_path), {}), SharedFileCache(str(tmp_path), {})
    assert here.file_bytes("version") is None
    here.set("version", "first", None)
    first = here.file_bytes("version")
    assert first and here.file_bytes("version") == first

    elsewhere.set("version", "second", None)
    assert here.file_bytes("version") not in (None, first)
    elsewhere.delete("version")
    assert here.file_bytes("version") is None

    here.clear()
    elsewhere.set("version", "third", None)
    assert here.file_bytes("version") == elsewhere.file_bytes("version") is not None


def test_its_reads_answer_as_djangos_file_cache_does(tmp_path, monkeypatch):
    """get and has_key read a key's file on a path worked out once per key, and answer as
    Django's FileBasedCache does: the value, a default when missing, and an entry past its
    expiry (or an empty file) gone, its file deleted."""
    ours, djangos = SharedFileCache(str(tmp_path), {}), FileBasedCache(str(tmp_path), {})
    hashed = []
    original = SharedFileCache._key_to_file

    def counting(self, key, version=None):
        hashed.append(key)
        return original(self, key, version)

    monkeypatch.setattr(SharedFileCache, "_key_to_file", counting)
    djangos.set("kept", {"a": 1}, None)
    for _ in range(3):
        assert ours.get("kept") == djangos.get("kept") == {"a": 1}
        assert ours.has_key("kept") and ours.get("missing", "default") == "default"
    assert hashed == ["kept", "missing"]

    djangos.set("gone", "soon", 60)
    path = djangos._key_to_file("gone")
    monkeypatch.setattr("time.time", lambda: 2e9)  # past its expiry
    assert ours.get("gone", "default") == "default" and not os.path.exists(path)
    djangos.set("also-gone", "soon", 60)  # expires at 2e9 + 60
    monkeypatch.setattr("time.time", lambda: 3e9)
    assert not ours.has_key("also-gone")

    with open(djangos._key_to_file("empty"), "wb"):
        pass
    assert ours.get("empty", "default") == "default" == djangos.get("empty", "default")


def test_a_file_is_read_in_one_call_unless_it_is_larger_than_one_read(tmp_path, monkeypatch):
    """A small entry (a version, the rules) is one read: a file gives less than asked only at
    its end, so no second read looks for it. A file larger than one read is read whole."""
    cache = SharedFileCache(str(tmp_path), {})
    cache.set("small", "v" * 40, None)
    cache.set("large", os.urandom(3 * cache_module.READ_AT_ONCE), None)
    reads = []
    original = os.read

    def counted(descriptor, size):
        reads.append(size)
        return original(descriptor, size)

    monkeypatch.setattr(os, "read", counted)
    assert cache.get("small") == "v" * 40
    assert len(reads) == 1
    reads.clear()
    content = cache.file_bytes("large")
    with open(cache._key_to_file("large"), "rb") as stored:
        assert content == stored.read()
    assert len(content) > 3 * cache_module.READ_AT_ONCE and len(reads) == 5
