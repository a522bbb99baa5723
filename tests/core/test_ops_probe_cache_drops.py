"""A change made while Redis hangs is not undone by Redis coming back: what the change
dropped from the cache (a page's version, the bans) is dropped once Redis answers."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from articles.page_cache import page_invalidate, page_lookup
from core import breaker as breaker_module
from moderation import services
from moderation.cached import bans_cached
from moderation.models import Ban
from tests.support import RedisServer, redis_cache_config, wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, monkeypatch):
    """Django's cache on a private redis-server, with the breaker's cool-down made short."""
    monkeypatch.setattr(breaker_module, "COOL_DOWN_SECONDS", 0.1)
    monkeypatch.setattr(breaker_module, "PROBE_EVERY_SECONDS", 0.02)
    server = RedisServer()
    server.start()
    settings.CACHES = redis_cache_config(server.url, timeout=0.2)
    yield server
    server.stop()


def hang(server: RedisServer) -> None:
    """Hang Redis and let a reader's call find it so (the breaker opens): what the site's
    writes meet until the probe sees Redis again. (The call that meets the hang is sent
    and waits in the socket; Redis still applies it when it wakes.)"""
    server.freeze()
    cache.get("parley:someone-reading")


def wake(server: RedisServer) -> None:
    """Let Redis answer again, and wait for this process to use it again (until then every
    read misses, and the database answers)."""
    server.thaw()
    breaker = breaker_module.breaker_for(server.url)
    wait_until(lambda: not breaker.is_open, 5, "the breaker to see Redis again")


def test_a_ban_made_while_redis_hangs_is_in_force_once_it_answers(redis_cache, moderator):
    """The bans read before the hang (none) are not what posts are screened against after."""
    assert bans_cached() == ()
    hang(redis_cache)
    services.ban_create(kind=Ban.Kind.IP, value="192.0.2.9", actor=moderator, reason="flood")
    wake(redis_cache)
    wait_until(lambda: len(bans_cached()) == 1, 5, "the new ban to be read")


def test_a_page_dropped_while_redis_hangs_is_not_served_after(redis_cache):
    """A comment published during the hang dropped the article's page: once Redis is back
    the page kept before it is no longer current."""
    request = RequestFactory().get("/articles/a-story/")
    _, before = page_lookup(request, "a-story")
    hang(redis_cache)
    page_invalidate(slug="a-story")
    wake(redis_cache)
    wait_until(lambda: page_lookup(request, "a-story")[1] != before, 5, "a new page version")
