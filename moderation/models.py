from django.conf import settings
from django.db import models

from comments.models import Comment, CommentStatus


class ModerationEvent(models.Model):
    """One change of a comment's status: who made it (a person, or the scorer), when, why."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text='"scorer", "system" or a username.')
    from_status = models.CharField(max_length=16, choices=CommentStatus.choices)
    to_status = models.CharField(max_length=16, choices=CommentStatus.choices)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_status} → {self.to_status} by {self.actor_label}"
