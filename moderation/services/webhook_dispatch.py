"""Hand webhook deliveries to whoever posts them, once the work that caused them commits.

With a broker, a worker does (the task runs on the "webhooks" queue). Embedded, with no
broker, a small pool of background threads in this process does, so the request that caused
an event never waits on a receiver; one timer per process runs the due deliveries again
when a backoff runs out, and each event's job also takes any delivery left due (a restart
loses the timer, not the deliveries).
"""

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from ..models import WebhookDelivery
from .webhooks import webhook_deliver

logger = logging.getLogger(__name__)
# The deliveries of a whole event are one job, so two threads serve a busy site.
_background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parley-webhooks")
_retry_lock = threading.Lock()
_retry_timer: threading.Timer | None = None
_retry_due = 0.0  # time.monotonic() at which _retry_timer fires


def webhook_deliveries_start(*, delivery_ids: list[int]) -> None:
    """Have deliveries posted once the current transaction commits: by a worker, or, with
    no broker, by a background thread of this process (never by the request itself)."""
    from ..tasks import webhook_deliver_task

    if not webhook_deliver_task.app.conf.task_always_eager:
        for delivery_id in delivery_ids:
            webhook_deliver_task.delay_on_commit(delivery_id)
    elif settings.PARLEY_WEBHOOK_INLINE_SYNC:
        transaction.on_commit(lambda: _deliver_each(delivery_ids), robust=True)
    else:
        transaction.on_commit(
            lambda: _background.submit(_deliver_in_background, delivery_ids), robust=True
        )


def _deliver_each(delivery_ids: Iterable[int]) -> list[int]:
    """Attempt each delivery; the seconds until each failed one may be tried again."""
    attempts = (webhook_deliver(delivery_id=delivery_id) for delivery_id in delivery_ids)
    return [attempt.retry_in for attempt in attempts if attempt.retry_in is not None]


def _deliver_in_background(delivery_ids: list[int]) -> None:
    # Deliveries left over by earlier failures (or by a restart, which loses the timer) that
    # are due go out with this event's.
    try:
        due = WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        ).exclude(pk__in=delivery_ids)
        retries = _deliver_each([*delivery_ids, *due.values_list("pk", flat=True)[:100]])
        if retries:
            _retry_after(min(retries))
    except Exception:
        logger.exception("Webhook deliveries %s failed in the background", delivery_ids)
    finally:
        # This thread's connections would otherwise stay open until the process ends.
        connections.close_all()


def _retry_after(seconds: float) -> None:
    """Run the due deliveries again in `seconds`, unless a timer already fires sooner."""
    global _retry_timer, _retry_due
    # A second of slack: the delivery's own due time was set a moment before this.
    due = time.monotonic() + seconds + 1
    with _retry_lock:
        if _retry_timer is not None and _retry_timer.is_alive():
            if time.monotonic() < _retry_due <= due:
                return
            _retry_timer.cancel()
        _retry_timer = threading.Timer(
            seconds + 1, lambda: _background.submit(_deliver_in_background, [])
        )
        _retry_timer.daemon = True
        _retry_timer.name = "parley-webhooks-retry"
        _retry_due = due
        _retry_timer.start()
