"""What the webhooks page shows: the webhooks, and their latest deliveries."""

from django.db.models import QuerySet

from .models import Webhook, WebhookDelivery

RECENT_DELIVERIES = 50


def webhooks_all() -> QuerySet[Webhook]:
    """Every webhook, oldest first, with who added it."""
    return Webhook.objects.select_related("created_by").order_by("pk")


def webhook_deliveries_recent(*, limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    """The latest deliveries to any webhook, newest first (one query)."""
    return list(
        WebhookDelivery.objects.select_related("webhook").order_by("-created_at", "-pk")[:limit]
    )
