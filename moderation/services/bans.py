"""Bans and shadow-bans on accounts, email addresses and IP addresses, and the screening
that applies them to a comment before it is stored."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from comments.screening import Screening

from ..models import Ban, ModerationEvent
from ..reasons import reason_record
from ..selectors_bans import ban_for, ban_hash


def address_mask(kind: str, value: str) -> str:
    """An address cut short enough for moderators to recognise and nobody to use."""
    value = value.strip().lower()
    if kind == Ban.Kind.EMAIL and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == Ban.Kind.IP:
        if ":" in value:
            return ":".join(value.split(":")[:3]) + ":…"
        return ".".join(value.split(".")[:3]) + ".x"
    return value


def ban_create(
    *,
    kind: str,
    actor: AbstractBaseUser,
    reason: str,
    user: AbstractBaseUser | None = None,
    value: str = "",
    days: int | None = None,
    expires_at: datetime | None = None,
    shadow: bool = False,
) -> Ban:
    """Ban (or shadow-ban) an account, an email or an IP, for `days` (or until `expires_at`)
    or for good; audited. A ban already in force on the same account or address is lifted:
    the new one takes its place (its `replaced` says how many it did), so that one ban stands
    and lifting it lets them post again."""
    if kind == Ban.Kind.ACCOUNT:
        if user is None:
            raise ValueError("An account ban needs the account.")
        fields = {"user": user, "display": user.get_username()}
    else:
        if not value.strip():
            raise ValueError("An email or IP ban needs the address.")
        fields = {"value_hash": ban_hash(kind, value), "display": address_mask(kind, value)}
    now = timezone.now()
    if days:
        expires_at = now + timedelta(days=days)
    with transaction.atomic():
        same_target = (
            {"user": user} if kind == Ban.Kind.ACCOUNT else {"value_hash": ban_hash(kind, value)}
        )
        replaced = list(Ban.objects.select_for_update().in_force().filter(kind=kind, **same_target))
        for old in replaced:
            old.lifted_at = now
            old.save(update_fields=["lifted_at"])
            _ban_audit(old, actor=actor, code="unban")
        ban = Ban.objects.create(
            kind=kind, reason=reason, shadow=shadow, expires_at=expires_at, created_by=actor,
            **fields,
        )  # fmt: skip
        _ban_audit(ban, actor=actor, code="ban", reason=reason)
    ban.replaced = len(replaced)
    return ban


def ban_lift(*, ban_id: int, actor: AbstractBaseUser) -> bool:
    """End a ban in force now; audited. False for one already lifted or ended: recording an
    unban then would claim a change that did not happen."""
    with transaction.atomic():
        ban = Ban.objects.select_for_update().in_force().filter(pk=ban_id).first()
        if ban is None:
            return False
        ban.lifted_at = timezone.now()
        ban.save(update_fields=["lifted_at"])
        _ban_audit(ban, actor=actor, code="unban")
    return True


def _ban_audit(ban: Ban, *, actor: AbstractBaseUser, code: str, **params) -> None:
    about = {"kind": ban.kind, "shadow": ban.shadow, "display": ban.display}
    ModerationEvent.objects.create(
        ban=ban,
        actor=actor,
        actor_label=actor.get_username(),
        reasons=[reason_record(code, **about, **params)],
    )


def comment_screen(*, user, email: str, ip_address: str | None) -> Screening:
    """The bans' answer about a would-be comment (Parley's PARLEY_COMMENT_SCREEN hook): a
    hard ban refuses it, a shadow-ban stores it for its poster's eyes only."""
    ban = ban_for(user=user, email=email, ip_address=ip_address)
    if ban is None:
        return Screening()
    if ban.shadow:
        return Screening(shadow=True)
    return Screening(refused=True, until=ban.expires_at)


def ban_reason_set(*, ban_id: int, reason: str) -> None:
    """Correct the reason recorded for a ban (the admin's one editable field)."""
    Ban.objects.filter(pk=ban_id).update(reason=reason)
