"""Webhook deliveries for real: queued on Redis's "webhooks" queue and posted by a worker
that consumes it, as the shipped worker definitions do."""

import json

import pytest
import redis

from moderation import services
from moderation.models import WebhookDelivery
from tests.conftest import celery_broker
from tests.moderation.test_webhooks import Receiver, _signature_ok
from tests.support import wait_until

from .conftest import BROKER_DB

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delivery_goes_through_the_webhooks_queue_to_a_worker(
    article, post, moderator, queue_redis, start_worker, settings, monkeypatch
):
    """A published comment's delivery waits on the "webhooks" queue (not the scoring one)
    and a worker posts it to the receiver, signed, once."""
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True
    monkeypatch.setenv("PARLEY_WEBHOOK_ALLOW_PRIVATE", "1")  # for the worker process
    receiver = Receiver()
    try:
        webhook = services.webhook_create(url=receiver.url, events=["published"], actor=moderator)
        broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
        with celery_broker(f"{queue_redis}/{BROKER_DB}"):
            comment = post(article, "Heard by a worker")
        # The comment's own scoring message (queued when it was stored) is the only one on
        # the default queue.
        waiting = [
            json.loads(message)["headers"]["task"] for message in broker.lrange("webhooks", 0, -1)
        ]
        assert waiting == ["moderation.tasks.webhook_deliver_task"]
        assert broker.llen("celery") == 1
        start_worker(queue_redis)
        wait_until(
            lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
            60,
            "the worker to post the delivery",
        )
        assert len(receiver.requests) == 1 and broker.llen("webhooks") == 0
        headers, body = receiver.requests[0]
        assert json.loads(body)["comment"]["id"] == comment.pk
        assert _signature_ok(webhook.secret, headers, body)
    finally:
        receiver.close()
