from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments.models import Comment


class Follow(models.Model):
    """A reader who hears about an article's updates, once their address is confirmed."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("email"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The language the reader followed in: their update emails are written in it ("" for
    # follows from before languages were kept, which get the site's language).
    language = models.CharField(_("language"), max_length=10, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["article", "email"], name="one_follow_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.article_id}"


class ConfirmedAddress(models.Model):
    """A guest's email address confirmed (by a link) for reply notifications."""

    email = models.EmailField(_("email"), unique=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    # The language the address was confirmed in: emails about replies are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("confirmed address")
        verbose_name_plural = _("confirmed addresses")

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    """One email Parley sent, so that a task delivered twice never mails twice, and so that
    confirmation mails to one address can be counted and capped."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Article update")
        REPLY = "reply", _("Reply to a comment")
        FOLLOW_CONFIRM = "follow_confirm", _("Confirm a follow")
        REPLY_CONFIRM = "reply_confirm", _("Confirm reply notifications")
        MANAGE_LINK = "manage_link", _("Link to manage comments")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    email = models.EmailField(_("email"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "email"],
                condition=Q(kind__in=["update", "reply"]),
                name="one_notification_per_event_and_address",
            )
        ]
        indexes = [models.Index(fields=["email", "-sent_at"], name="delivery_address_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} to {self.email}"


class AuthorDigestChoice(models.Model):
    """An author's answer to the digest of new comments on their articles (no row: wanted)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    wanted = models.BooleanField(_("wanted"), default=True)
    # Opting back in starts from here: what was published meanwhile is not sent.
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("author digest choice")
        verbose_name_plural = _("author digest choices")

    def __str__(self) -> str:
        return f"{self.user_id} {'wants' if self.wanted else 'does not want'} the digest"


class AuthorDigestEntry(models.Model):
    """A comment sent to an author in a digest: no comment goes in two of their digests, even
    when two runs overlap (the constraint refuses the second)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("author digest entry")
        verbose_name_plural = _("author digest entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="one_digest_per_comment")
        ]
        indexes = [models.Index(fields=["user", "-sent_at"], name="author_digest_recent")]

    def __str__(self) -> str:
        return f"comment {self.comment_id} to {self.user_id}"
