"""What the core keeps of its own: how each account's names read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NameSkeleton(models.Model):
    """An account's username and display name as a reader reads them
    (core.text.name_skeleton), indexed: a signup asks whether its name reads as a taken one,
    and a guest's comment whether its name reads as an account's, in one indexed query,
    where comparing skeletons in Python read every account's name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # A username is at most 150 characters; folding can turn one into several ("ﬃ" → "ffi").
    skeleton = models.CharField(_("skeleton"), max_length=600, db_index=True)
    # The display name the account's comments show when it has one
    # (core.account_names.account_comment_name); "" without. A database default, so a
    # server still running the code of before this column keeps saving accounts during a
    # rolling upgrade.
    display_skeleton = models.CharField(
        _("display name skeleton"),
        max_length=600,
        blank=True,
        default="",
        db_default="",
        db_index=True,
    )

    class Meta:
        verbose_name = _("username skeleton")
        verbose_name_plural = _("username skeletons")

    def __str__(self) -> str:
        return self.skeleton
