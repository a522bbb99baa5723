"""The cache's Redis at its maxmemory (noeviction) refuses writes but answers everything
else: pages are served, reads and deletes go on, and the log and /healthz say it is full,
once, instead of calling Redis away and flapping the breaker every few seconds."""

import logging

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from core import breaker as breakers
from core import cache as site_cache
from tests.support import RedisServer, redis_cache_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_redis_cache(settings, monkeypatch):
    server = RedisServer()
    server.start()
    settings.CACHES = redis_cache_config(server.url, timeout=0.5)
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    monkeypatch.setattr(site_cache, "_unwritable_logged_at", 0.0, raising=False)
    monkeypatch.setattr(site_cache, "_unwritable", {}, raising=False)
    breakers.breakers_reset()
    cache.set("written-before", "still here", 600)
    client = redis.Redis.from_url(f"{server.url}/1")
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", client.info("memory")["used_memory"])
    yield server
    breakers.breakers_reset()
    server.stop()


def test_a_full_cache_redis_is_named_full_not_away(full_redis_cache, article, client, caplog):
    """Pages answer 200, a read still reaches Redis, the breaker stays closed, one log line
    says Redis refuses writes, and /healthz's cache check says the same."""
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            assert Client().get(article.get_absolute_url()).status_code == 200
        assert cache.set("written-now", "x", 60) is False
        assert cache.get("written-before") == "still here"
        check = client.get("/healthz").json()["checks"]["cache"]
    assert not breakers.breaker_for(full_redis_cache.url).is_open
    said = [r.getMessage() for r in caplog.records if r.name.startswith("core.")]
    assert (
        len(said) == 1
        and "the cache's Redis refuses writes (command not allowed when used memory" in said[0]
    ), said
    assert (
        not check["ok"]
        and "the cache's Redis refuses writes (command not allowed when used memory"
        in check["error"]
    ), check
