"""Webhooks: signed JSON POSTs to addresses moderators chose, when a comment is held,
reported or published.

Each event becomes one WebhookDelivery row per webhook that asked for it, and a task posts
it. The row is the truth: an attempt claims it (so a task delivered twice posts once),
records what the other end answered, and sets when to try again (exponential backoff,
WEBHOOK_MAX_ATTEMPTS attempts at most); a sweep re-queues a delivery whose task was lost.
With a broker, the task runs on the "webhooks" queue (CELERY_TASK_ROUTES), so a worker of
their own can keep slow receivers away from comment scoring. Embedded (no broker), a small
pool of background threads in the web process posts instead, so the request that caused an
event never waits on its receiver (webhook_dispatch.py).

The body is signed with the webhook's secret: `X-Parley-Signature: sha256=<hex>` is
HMAC-SHA256 over the raw body, and the body carries the timestamp (also sent as
`X-Parley-Timestamp`), so a receiver can refuse replays of old bodies.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment

from ..cached import webhooks_cached
from ..models import Webhook, WebhookDelivery, WebhookEvent
from .audit import staff_edit_record, staff_edits_record_deletion
from .webhook_http import WEBHOOK_TIMEOUT, webhook_post, webhook_url_check
from .webhook_http import WebhookURLRefused as WebhookURLRefused  # where callers find it
from .webhook_payload import webhook_payload

WEBHOOK_MAX_ATTEMPTS = 6
BACKOFF_FIRST = 30  # seconds before the second attempt; doubled each time after
BACKOFF_MOST = 3600
# An attempt holds its delivery this long (longer than any attempt can take), so the same
# delivery is never posted twice at once.
LEASE = timedelta(seconds=WEBHOOK_TIMEOUT * 4)
# Answers that will not change by asking again: the delivery fails at once.
# A webhook's address is a credential (it may carry a token): the audit log records that it
# changed, never what it is.
WEBHOOK_SECRET_FIELDS = ("url",)
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 413, 422})


@dataclass(frozen=True)
class Attempt:
    """What one call of webhook_deliver did: the delivery's status after it, and in how
    many seconds to try again (None: not again)."""

    status: str
    retry_in: int | None = None


def webhook_create(
    *,
    url: str,
    events: Iterable[str],
    active: bool = True,
    actor: AbstractBaseUser | None,
    audited: bool = True,
) -> Webhook:
    """Add a webhook with a new signing secret, in the audit log as `actor`'s edit (unless the
    caller records it itself: the admin); WebhookURLRefused for a refused address."""
    webhook_url_check(url)
    wanted = set(events)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            url=url,
            active=active,
            created_by=actor,
            **{f"on_{event}": event in wanted for event in WebhookEvent.values},
        )
        if actor is not None and audited:
            staff_edit_record(
                actor=actor, instance=webhook, added=True, secret_fields=WEBHOOK_SECRET_FIELDS
            )
    return webhook


def webhook_active_set(
    *, webhook_id: int, active: bool, actor: AbstractBaseUser | None = None
) -> tuple[Webhook | None, bool]:
    """Switch a webhook on or off (in the audit log as `actor`'s edit): the webhook (None if
    there is no such webhook) and whether this switched it (False: it was so already, as
    when another moderator switched it first)."""
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().filter(pk=webhook_id).first()
        switched = webhook is not None and webhook.active != active
        if switched:
            webhook.active = active
            # save() rather than update(): the cached list is dropped on the model's signals.
            webhook.save(update_fields=["active"])
            if actor is not None:
                staff_edit_record(
                    actor=actor, instance=webhook, before={"active": not active},
                    field_names=["active"], secret_fields=WEBHOOK_SECRET_FIELDS,
                )  # fmt: skip
    return webhook, switched


def webhook_delete(*, webhook_id: int, actor: AbstractBaseUser | None = None) -> Webhook | None:
    """Delete a webhook and its delivery log (in the audit log as `actor`'s edit); the
    deleted webhook, or None if none."""
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().filter(pk=webhook_id).first()
        if webhook is not None:
            if actor is not None:
                staff_edits_record_deletion(
                    actor=actor, instances=[webhook], secret_fields=WEBHOOK_SECRET_FIELDS
                )
            webhook.delete()
    return webhook


def webhooks_notify(*, event: str, comment_id: int, reason: str = "") -> int:
    """Queue one delivery of `event` about a comment to every active webhook that asked for
    it; returns how many. With no such webhook this reads only the cache."""
    webhook_ids = [hook.pk for hook in webhooks_cached() if event in hook.events]
    if not webhook_ids:
        return 0
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None:
        return 0
    payload = webhook_payload(event=event, comment=comment, reason=reason)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            webhook_id=webhook_id,
            event=event,
            comment_id=comment.pk,
            payload=payload,
            next_attempt_at=now,
        )
        for webhook_id in webhook_ids
    )
    from .webhook_dispatch import webhook_deliveries_start

    webhook_deliveries_start(delivery_ids=[delivery.pk for delivery in deliveries])
    return len(deliveries)


def webhook_body_sign(*, secret: str, body: bytes) -> str:
    """The X-Parley-Signature header's value for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> Attempt:
    """Make one attempt at a delivery that is due, and record it; a delivery finished, not
    yet due, or being attempted elsewhere is left alone (a repeated task is harmless)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return Attempt(status="gone")
    if not claimed:
        return Attempt(status=delivery.status)
    webhook = delivery.webhook
    if not webhook.active:
        return _finish(
            delivery, WebhookDelivery.Status.FAILED, now, error=_("The webhook was switched off.")
        )
    timestamp = int(now.timestamp())
    body = json.dumps(
        {
            **delivery.payload,
            "delivery_id": delivery.pk,
            "attempt": delivery.attempts,
            "timestamp": timestamp,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Parley-Webhooks/1",
        "X-Parley-Event": delivery.event,
        "X-Parley-Delivery": str(delivery.pk),
        "X-Parley-Timestamp": str(timestamp),
        "X-Parley-Signature": webhook_body_sign(secret=webhook.secret, body=body),
    }
    status_code, error, duration_ms = webhook_post(webhook.url, body, headers)
    delivery.response_status = status_code
    delivery.duration_ms = duration_ms
    if status_code is not None and 200 <= status_code < 300:
        return _finish(delivery, WebhookDelivery.Status.SUCCEEDED, now)
    if status_code in PERMANENT_STATUSES or delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
        return _finish(delivery, WebhookDelivery.Status.FAILED, now, error=error)
    retry_in = min(BACKOFF_FIRST * 2 ** (delivery.attempts - 1), BACKOFF_MOST)
    delivery.error = error[:500]
    delivery.next_attempt_at = now + timedelta(seconds=retry_in)
    delivery.save(update_fields=["response_status", "duration_ms", "error", "next_attempt_at"])
    return Attempt(status=delivery.status, retry_in=retry_in)


def _finish(delivery: WebhookDelivery, status: str, now: datetime, error: str = "") -> Attempt:
    delivery.status = status
    delivery.error = error[:500]
    delivery.finished_at = now
    delivery.save(
        update_fields=["status", "error", "finished_at", "response_status", "duration_ms"]
    )
    return Attempt(status=status)


def webhook_deliveries_sweep(*, grace: timedelta = timedelta(minutes=2)) -> int:
    """Queue again the deliveries overdue by `grace` (their task was lost: a broker outage,
    a worker that died); queuing one that is in flight is harmless."""
    from ..tasks import webhook_deliver_task

    overdue = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
    ).values_list("pk", flat=True)[:500]
    queued = 0
    for delivery_id in overdue:
        queued += webhook_deliver_task.enqueue(delivery_id)
    return queued
