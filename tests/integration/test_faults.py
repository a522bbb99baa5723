"""Faults of the real services the site runs on: Redis restarting or hanging under a busy
worker. Each test runs its own redis-server on a spare port (the shared one is never
touched), and asserts that nothing posted is lost."""

import pytest
from django.test import Client

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from moderation.models import ModerationRules
from moderation.tasks import comment_score_task
from tests.conftest import celery_broker, form_data

from .conftest import BROKER_DB, RedisServer, wait_until

S = CommentStatus
FINAL = {S.PUBLISHED, S.HELD, S.SPAM}
pytestmark = pytest.mark.django_db(transaction=True)
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: queueing fails at once


@pytest.fixture
def private_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


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
