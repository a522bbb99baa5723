from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments.models import Comment

from ..reasons import report_note_shown

VOTES_REPORTER = "votes"  # the reporter key of the report down votes make


class Report(models.Model):
    """A reader's report that a published comment needs a moderator's look."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or hateful")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # "user:<id>" or "ip:<keyed hash>": one report per reader per comment, IPs never in clear.
    reporter_key = models.CharField(_("reporter key"), max_length=80)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    # False when its reader was banned as they reported (a shadow-ban too): moderators still
    # see the report, but a banned troll's reports never add up to hiding others' comments.
    counts = models.BooleanField(_("counts towards holding"), default=True, db_default=True)
    # Set when a moderator dismissed the report (the comment stayed published).
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The moderator's decision or dismissal that closed the report: the audit record, and
    # undoing it reopens exactly these reports.
    resolved_in = models.ForeignKey(
        "ModerationEvent",
        verbose_name=_("resolved in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_key"], name="one_report_per_reader"
            )
        ]

    def __str__(self) -> str:
        return gettext("Report on %(comment)s: %(reason)s") % {
            "comment": self.comment_id,
            "reason": self.get_reason_display(),
        }

    @property
    def note_shown(self) -> str:
        """The note in the reader's language when Parley wrote it (a down votes' report)."""
        if self.reporter_key != VOTES_REPORTER:
            return self.note
        return report_note_shown(self.note)


class HeldDigest(models.Model):
    """A batched email telling moderators which held comments no digest had listed yet."""

    # When it claimed the comments it lists (its HeldNotice rows), just before its email.
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    comment_count = models.PositiveIntegerField(_("comment count"))
    recipient_count = models.PositiveIntegerField(_("recipient count"))

    class Meta:
        verbose_name = _("held digest")
        verbose_name_plural = _("held digests")

    def __str__(self) -> str:
        return ngettext(
            "Digest of %(count)s held comment",
            "Digest of %(count)s held comments",
            self.comment_count,
        ) % {"count": self.comment_count}


class HeldNotice(models.Model):
    """One hold of one comment that a moderators' digest told them about.

    A digest lists the held comments no digest has listed yet, by these rows, rather than
    those held after the previous digest's time: a hold decided before that time but
    committed after it (a scoring batch's transaction) is still listed, by the next one."""

    digest = models.ForeignKey(HeldDigest, on_delete=models.CASCADE, related_name="notices")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    # The comment's status_changed_at when it was held: held again later, it is news again.
    held_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "held_at"], name="held_notice_once")
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id} held {self.held_at:%Y-%m-%d %H:%M:%S}"
