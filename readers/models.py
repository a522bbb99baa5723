from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article
from comments.models import Comment


class Follow(models.Model):
    """A reader who hears about an article's updates, once their address is confirmed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "email"], name="one_follow_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.article_id}"


class ConfirmedAddress(models.Model):
    """A guest's email address confirmed (by a link) for reply notifications."""

    email = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "confirmed addresses"

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    """One email Parley sent, so that a task delivered twice never mails twice, and so that
    confirmation mails to one address can be counted and capped."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Article update"
        REPLY = "reply", "Reply to a comment"
        FOLLOW_CONFIRM = "follow_confirm", "Confirm a follow"
        REPLY_CONFIRM = "reply_confirm", "Confirm reply notifications"
        MANAGE_LINK = "manage_link", "Link to manage comments"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "deliveries"
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
    wanted = models.BooleanField(default=True)
    # Opting back in starts from here: what was published meanwhile is not sent.
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} {'wants' if self.wanted else 'does not want'} the digest"


class AuthorDigestEntry(models.Model):
    """A comment sent to an author in a digest: no comment goes in two of their digests, even
    when two runs overlap (the constraint refuses the second)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "author digest entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="one_digest_per_comment")
        ]
        indexes = [models.Index(fields=["user", "-sent_at"], name="author_digest_recent")]

    def __str__(self) -> str:
        return f"comment {self.comment_id} to {self.user_id}"
