from django.conf import settings
from django.db import models


class StaffEdit(models.Model):
    """A staff edit made in the admin (the moderation rules among them): who, when, which
    object, and each changed field before and after.

    `changes` is a list of {"field", "label", "before", "after", "hidden"}: values are text
    as a person reads them, emails and IP addresses masked, secrets (passwords, hashes,
    tokens) never stored, only marked `hidden`.
    """

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the row still says who after the account is gone.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=8, choices=Action.choices)
    # "app_label.model_name" and the object's key as text: the row outlives the object.
    model = models.CharField(max_length=100)
    model_label = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="staff_edit_object")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.model_label} {self.object_repr}"
