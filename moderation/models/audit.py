from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffEdit(models.Model):
    """A staff edit made in the admin (the moderation rules among them): who, when, which
    object, and each changed field before and after.

    `changes` is a list of {"field", "label", "before", "after", "hidden"}: values are text
    as a person reads them, emails and IP addresses masked, secrets (passwords, hashes,
    tokens) never stored, only marked `hidden`.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the row still says who after the account is gone.
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    # "app_label.model_name" and the object's key as text: the row outlives the object.
    model = models.CharField(_("model"), max_length=100)
    model_label = models.CharField(_("model label"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object repr"), max_length=200)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("staff edit")
        verbose_name_plural = _("staff edits")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="staff_edit_object")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.model_label} {self.object_repr}"
