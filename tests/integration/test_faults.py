"""Faults of the real services the site runs on: Redis restarting or hanging under a busy
worker. Each test runs its own redis-server on a spare port (the shared one is never
touched), and asserts that nothing posted is lost."""

import time

import pytest
from django.core.management import call_command
from django.test import Client

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from core.breaker import breaker_for
from moderation.models import ModerationRules
from moderation.tasks import comment_score_task
from tests.conftest import celery_broker, form_data
from tests.support import wait_until

from .conftest import BROKER_DB

S = CommentStatus
FINAL = {S.PUBLISHED, S.HELD, S.SPAM}
pytestmark = pytest.mark.django_db(transaction=True)
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: queueing fails at once


@pytest.fixture
def quick_rules(transactional_db, no_rate_limits):
    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})


def test_the_worker_outlives_a_redis_restart_while_holding_a_message(
    article, quick_rules, private_redis, start_worker
):
    """Redis stops and starts again while the worker holds an unacknowledged message (one
    it was handed to run later): the worker stays up, reconnects by itself, and new
    comments still get verdicts."""
    worker = start_worker(private_redis.url, concurrency=1)
    with celery_broker(NOWHERE):
        waiting = comment_submit(article=article, poster=Poster(name="Waiting"), text="Hi")
    with celery_broker(f"{private_redis.url}/{BROKER_DB}"):
        comment_score_task.apply_async((waiting.pk,), countdown=600)
        wait_until(lambda: "comment_score_task" in worker.output(), 30, "the worker to hold it")
    private_redis.stop()
    wait_until(lambda: "Connection to broker lost" in worker.output(), 30, "the worker to notice")
    private_redis.start()
    wait_until(lambda: worker.output().count("Connected to") >= 2, 60, "the worker to reconnect")
    assert worker.process.poll() is None, f"the worker exited:\n{worker.output()[-3000:]}"

    with celery_broker(f"{private_redis.url}/{BROKER_DB}"):
        response = Client().post("/comments/post/", form_data(article, comment="After it"))
        assert response.status_code == 302
        after = Comment.objects.get(comment="After it")
        wait_until(lambda: Comment.objects.get(pk=after.pk).status in FINAL, 60, "a verdict after")
    assert worker.process.poll() is None
    assert "Unrecoverable error" not in worker.output()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


@pytest.fixture
def redis_cache_at(settings):
    """Point this process's cache at a given Redis, as production does."""

    def use(url: str) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.ParleyRedisCache",
                "LOCATION": f"{url}/{BROKER_DB - 1}",
                "OPTIONS": {
                    "SOCKET_TIMEOUT": settings.REDIS_SOCKET_TIMEOUT,
                    "SOCKET_CONNECT_TIMEOUT": settings.REDIS_SOCKET_TIMEOUT,
                    "IGNORE_EXCEPTIONS": True,
                },
            }
        }
        settings.PARLEY_PAGE_CACHE_SECONDS = 60

    return use


def test_a_hung_redis_costs_milliseconds_not_seconds(
    article, quick_rules, private_redis, redis_cache_at, start_worker
):
    """With Redis frozen (SIGSTOP), posts and pages answer fast once one call has timed out
    (p99: posts ≤ 1.5 s, pages ≤ 1 s), every comment is stored and waits as pending, and
    once Redis is back the sweep gets each one its verdict: nothing lost."""
    redis_cache_at(private_redis.url)
    page_url = article.get_absolute_url()
    with celery_broker(f"{private_redis.url}/{BROKER_DB}"):
        assert Client().get(page_url).status_code == 200  # warm: Redis answers
        private_redis.freeze()
        post_seconds, page_seconds = [], []
        for n in range(20):
            started = time.monotonic()
            client = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
            data = form_data(article, comment=f"Posted while Redis hangs {n}")
            assert client.post("/comments/post/", data).status_code == 302
            post_seconds.append(time.monotonic() - started)
            started = time.monotonic()
            assert Client().get(page_url).status_code == 200
            page_seconds.append(time.monotonic() - started)
        private_redis.thaw()
    stored = Comment.objects.filter(comment__startswith="Posted while Redis hangs")
    assert stored.count() == 20 and set(stored.values_list("status", flat=True)) == {S.PENDING}
    assert percentile(post_seconds, 0.99) <= 1.5, sorted(post_seconds)[-3:]
    assert percentile(page_seconds, 0.99) <= 1.0, sorted(page_seconds)[-3:]

    start_worker(private_redis.url)
    wait_until(lambda: not breaker_for(private_redis.url).is_open, 30, "Redis to be used again")
    with celery_broker(f"{private_redis.url}/{BROKER_DB}"):
        call_command("sweep_pending", "--older-than", "0")
    wait_until(lambda: not stored.filter(status=S.PENDING).exists(), 120, "the sweep's verdicts")
    assert set(stored.values_list("status", flat=True)) <= FINAL
