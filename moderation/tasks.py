"""Celery tasks: thin wrappers that take ids and call one service each.

None of them is queued with a countdown or an ETA, and none retries itself later: a message
a worker holds for minutes is one a Redis restart can take down with it. Work that must
happen later is driven by beat and by the database's state instead (the pending-comment
sweep, the held-comments digest, the notifications sweep). The one exception is a webhook
delivery, whose backoff is the point: its row records when it is due, so a retry lost with
its message is queued again by the webhook sweep.
"""

import logging
from contextlib import suppress
from datetime import timedelta

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

MAX_DELIVERIES = 6  # after this many starts (crashes included) a comment is held unscored


@worker_init.connect(dispatch_uid="moderation.model_libraries")
def model_libraries_import(**kwargs) -> None:
    """Load the spam model in the worker's main process, before it forks its pool, so the
    pool processes share it."""
    from .model_cache import spam_model_libraries_load

    spam_model_libraries_load()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=20, time_limit=30)
def comment_score_task(comment_id: int) -> str | None:
    """Score one comment and route it; safe to deliver twice."""
    from .services import comment_hold_unscored, comment_score
    from .services.backlog import comments_score_backlog

    if _deliveries(comment_id) > MAX_DELIVERIES:
        # A message that keeps killing workers would loop forever with reject_on_worker_lost.
        comment_hold_unscored(comment_id=comment_id, why="scoring failed repeatedly")
        return "held"
    try:
        verdict = comment_score(comment_id=comment_id)
    except SoftTimeLimitExceeded:
        comment_hold_unscored(comment_id=comment_id, why="scoring timed out")
        return "held"
    except DatabaseError:
        # Left pending: the sweep queues it again, and the delivery count above holds it
        # for a moderator if the database keeps failing it.
        logger.warning("comment %s: scoring failed on the database; left pending", comment_id)
        return None
    if not current_app.conf.task_always_eager:
        # Whatever else is waiting is scored in batches by this same run; one cut short by
        # the time limit has committed its batches, and leaves the rest to the next run.
        with suppress(SoftTimeLimitExceeded):
            comments_score_backlog()
    return verdict.decision if verdict else None


def _deliveries(comment_id: int) -> int:
    key = f"parley:score-deliveries:{comment_id}"
    try:
        cache.add(key, 0, timeout=24 * 3600)
        # None: the cache is unreachable and ignored the call.
        return cache.incr(key) or 1
    except Exception:  # a cache outage must not stop scoring
        return 1


@shared_task
def pending_sweep_task() -> int:
    """Re-queue comments left pending (the broker was down, or a worker died)."""
    from .services import pending_sweep

    return pending_sweep(older_than=timedelta(seconds=settings.PARLEY_PENDING_SWEEP_AGE))


@shared_task
def spam_model_train_task() -> str | None:
    """Retrain the spam model on moderators' decisions when retraining is due."""
    from .services import spam_model_train

    model = spam_model_train(scheduled=True)
    return model.version if model else None


@shared_task
def held_digest_task() -> int:
    """Email moderators one digest of the comments held since the last one."""
    from .services import held_digest_send

    return held_digest_send()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def webhook_deliver_task(self, delivery_id: int) -> str:
    """Post one webhook delivery; try again later, with backoff, after a failure."""
    from .services import webhook_deliver

    attempt = webhook_deliver(delivery_id=delivery_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        # The service bounds the attempts; Celery need not count them too.
        raise self.retry(countdown=attempt.retry_in, max_retries=None)
    return attempt.status


@shared_task
def webhook_deliveries_sweep_task() -> int:
    """Queue again the webhook deliveries whose task was lost."""
    from .services import webhook_deliveries_sweep

    return webhook_deliveries_sweep()
