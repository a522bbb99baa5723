from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..reasons import ban_title


def in_force_q() -> Q:
    """The condition of a ban neither lifted nor ended, now (to filter or to order by)."""
    return (Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())) & Q(lifted_at=None)


class BanQuerySet(models.QuerySet):
    def in_force(self) -> "BanQuerySet":
        """Bans neither lifted nor ended."""
        return self.filter(in_force_q())


class Ban(models.Model):
    """A moderator's ban (or shadow-ban) of an account, an email address or an IP address.

    Addresses are kept only as keyed hashes (HMAC with the site's secret), with a masked form
    for moderators to recognise them; a ban ends at `expires_at` or when lifted.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        EMAIL = "email", _("Email address")
        IP = "ip", _("IP address")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    value_hash = models.CharField(_("value hash"), max_length=64, blank=True, db_index=True)
    display = models.CharField(
        _("display"), max_length=120, help_text=_("Masked, for moderators' eyes.")
    )
    reason = models.TextField(_("reason"))
    shadow = models.BooleanField(
        _("shadow"),
        default=False,
        help_text=_("The poster still sees their comments; nobody else does."),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return ban_title(kind=self.kind, shadow=self.shadow, display=self.display)
