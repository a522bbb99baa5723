"""Moderation's models: the decisions and verdicts here, the rest one module each."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from comments.models import Comment, CommentStatus

from ..reasons import actor_shown, reasons_shown
from .audit import StaffEdit
from .bans import Ban
from .notes import CommenterNote
from .reports import HeldDigest, HeldNotice, Report
from .rules import ModerationRules
from .webhooks import Webhook, WebhookDelivery, WebhookEvent


class ModerationEvent(models.Model):
    """One moderation decision: a comment's status change (by a person or the scorer), or a
    ban placed or lifted; who made it, when, why."""

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        # event_comment_recent leads with it: a second index would only cost every write.
        db_index=False,
    )
    ban = models.ForeignKey(
        Ban,
        verbose_name=_("ban"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor label"), max_length=150, help_text=_('"scorer", "system" or a username.')
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=CommentStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=16, choices=CommentStatus.choices, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "-created_at"], name="event_comment_recent")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_status} → {self.to_status} by {self.actor_label}"

    @property
    def reasons_shown(self) -> list[dict]:
        """The reasons in the reader's language (moderation.reasons)."""
        return reasons_shown(self.reasons)

    @property
    def undo_reverses(self) -> bool:
        """Whether undoing it has something to reverse: a move between two states, or a
        dismissal of reports (its undo reopens them). The undo of a dismissal has not: what
        it reopened is dismissed again from the Reported tab."""
        dismissal = bool(self.reasons) and self.reasons[0].get("code") == "dismiss"
        return self.from_status != self.to_status or dismissal

    @property
    def actor_shown(self) -> str:
        """Who decided: a username, or the scorer, the system or the readers, translated."""
        return actor_shown(self.actor_label, person=self.actor_id is not None)


class SpamVerdict(models.Model):
    """The scorer's verdict on a comment, with the reasons a moderator sees."""

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="+",
        # verdict_comment_recent leads with it: a second index would only cost every write.
        db_index=False,
    )
    score = models.FloatField(_("score"))
    decision = models.CharField(_("decision"), max_length=16, choices=CommentStatus.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    model_version = models.CharField(_("model version"), max_length=32, blank=True)
    acted = models.BooleanField(_("acted"), default=True, help_text=_("False in log-only mode."))
    elapsed_ms = models.FloatField(
        _("elapsed ms"),
        null=True,
        blank=True,
        help_text=_("Time spent in the scorer; empty if it failed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spam verdict")
        verbose_name_plural = _("spam verdicts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "-created_at"], name="verdict_comment_recent")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.decision} ({self.score:.2f})"

    @property
    def reasons_shown(self) -> list[dict]:
        """The reasons in the reader's language, with their weights (moderation.reasons)."""
        return reasons_shown(self.reasons)


class TrainingExample(models.Model):
    """A labelled text the spam model learns from: a moderator's decision, or imported."""

    class Source(models.TextChoices):
        MODERATOR = "moderator", _("Moderator decision")
        IMPORT = "import", _("Imported file")

    comment = models.OneToOneField(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    is_spam = models.BooleanField(_("is spam"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")

    def __str__(self) -> str:
        if self.is_spam:
            label = pgettext("training label", "spam")
        else:
            label = pgettext("training label", "ham")
        return f"{label}: {self.text[:40]}"


class SpamModel(models.Model):
    """A trained spam model: versioned parameters every worker loads once (numpy, no pickle)."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    n_labels = models.PositiveIntegerField(_("n labels"))
    parameters = models.BinaryField(_("parameters"))
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True, db_index=True)
    notes = models.JSONField(_("notes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("spam model")
        verbose_name_plural = _("spam models")
        ordering = ["-trained_at", "-pk"]

    def __str__(self) -> str:
        return ngettext(
            "Spam model %(version)s (%(count)s label)",
            "Spam model %(version)s (%(count)s labels)",
            self.n_labels,
        ) % {"version": self.version, "count": self.n_labels}


__all__ = [
    "Ban",
    "CommenterNote",
    "HeldDigest",
    "HeldNotice",
    "ModerationEvent",
    "ModerationRules",
    "Report",
    "SpamModel",
    "SpamVerdict",
    "StaffEdit",
    "TrainingExample",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
]
