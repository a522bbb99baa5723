import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _secret_new() -> str:
    return secrets.token_hex(32)


class WebhookEvent(models.TextChoices):
    """What a webhook can be told about."""

    HELD = "held", _("Comment held")
    REPORTED = "reported", _("Comment reported")
    PUBLISHED = "published", _("Comment published")


# Each event as the end of "it will be told when a comment is …".
EVENT_WORDS = {
    WebhookEvent.HELD: _("held"),
    WebhookEvent.REPORTED: _("reported"),
    WebhookEvent.PUBLISHED: _("published"),
}


class Webhook(models.Model):
    """An address that hears about comments: a signed JSON POST per event it asked for."""

    url = models.URLField(_("url"), max_length=500, help_text=_("http or https."))
    on_held = models.BooleanField(
        _("on held"), default=True, help_text=_("A comment is held for review.")
    )
    on_reported = models.BooleanField(
        _("on reported"), default=True, help_text=_("A reader reports a comment.")
    )
    on_published = models.BooleanField(
        _("on published"), default=False, help_text=_("A comment is published.")
    )
    active = models.BooleanField(_("active"), default=True)
    # Kept in clear: every delivery is signed with it (HMAC-SHA256), so it cannot be hashed.
    secret = models.CharField(_("secret"), max_length=64, default=_secret_new, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def events(self) -> list[str]:
        """The events this webhook asked for."""
        return [event for event in WebhookEvent.values if getattr(self, f"on_{event}")]

    @property
    def events_shown(self) -> str:
        """The events it asked for, as people read them: "held, reported"."""
        return ", ".join(str(EVENT_WORDS[event]) for event in self.events)


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook, with the outcome of its last attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=16, choices=WebhookEvent.choices)
    # A plain id: the log outlives a comment that is deleted.
    comment_id = models.PositiveBigIntegerField(_("comment id"))
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Not before this time may it be attempted: the backoff after a failure, or the lease of
    # an attempt in progress (so a task delivered twice posts once).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    duration_ms = models.FloatField(_("duration ms"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.comment_id} to {self.webhook_id}: {self.status}"
