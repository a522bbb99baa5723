"""A broker Redis at its maxmemory still answers PING: /healthz fails anyway, saying it
refuses (noeviction) or may evict (any other policy) queued tasks."""

import pytest
import redis

from tests.support import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings):
    server = RedisServer()
    server.start()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"{server.url}/0"
    yield redis.Redis.from_url(f"{server.url}/0")
    server.stop()


def broker_check(client) -> dict:
    return client.get("/healthz").json()["checks"]["broker"]


def test_a_full_broker_that_refuses_tasks_fails_the_check(client, broker):
    """maxmemory reached under noeviction: a task cannot be queued, and /healthz says so."""
    assert broker_check(client)["ok"]
    broker.config_set("maxmemory-policy", "noeviction")
    broker.config_set("maxmemory", broker.info("memory")["used_memory"])
    with pytest.raises(redis.exceptions.OutOfMemoryError):  # what queueing a task meets
        broker.lpush("celery", "a task" * 1000)
    check = broker_check(client)
    assert not check["ok"] and "the broker's Redis is full" in check["error"], check
    assert "refuses new tasks" in check["error"]


def test_a_broker_that_may_evict_tasks_fails_the_check(client, broker):
    """A maxmemory with an evicting policy may drop queued tasks: named, with the fix."""
    broker.config_set("maxmemory", 512 * 2**20)
    broker.config_set("maxmemory-policy", "allkeys-lru")
    check = broker_check(client)
    assert not check["ok"] and "maxmemory-policy allkeys-lru" in check["error"], check
    assert "noeviction" in check["error"]
