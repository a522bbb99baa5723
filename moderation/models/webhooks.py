import secrets

from django.conf import settings
from django.db import models


def _secret_new() -> str:
    return secrets.token_hex(32)


class WebhookEvent(models.TextChoices):
    """What a webhook can be told about."""

    HELD = "held", "Comment held"
    REPORTED = "reported", "Comment reported"
    PUBLISHED = "published", "Comment published"


class Webhook(models.Model):
    """An address that hears about comments: a signed JSON POST per event it asked for."""

    url = models.URLField(max_length=500, help_text="http or https.")
    on_held = models.BooleanField(default=True, help_text="A comment is held for review.")
    on_reported = models.BooleanField(default=True, help_text="A reader reports a comment.")
    on_published = models.BooleanField(default=False, help_text="A comment is published.")
    active = models.BooleanField(default=True)
    # Kept in clear: every delivery is signed with it (HMAC-SHA256), so it cannot be hashed.
    secret = models.CharField(max_length=64, default=_secret_new, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def events(self) -> list[str]:
        """The events this webhook asked for."""
        return [event for event in WebhookEvent.values if getattr(self, f"on_{event}")]


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook, with the outcome of its last attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=16, choices=WebhookEvent.choices)
    # A plain id: the log outlives a comment that is deleted.
    comment_id = models.PositiveBigIntegerField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this time may it be attempted: the backoff after a failure, or the lease of
    # an attempt in progress (so a task delivered twice posts once).
    next_attempt_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.comment_id} to {self.webhook_id}: {self.status}"
