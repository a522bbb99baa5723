"""The moderation rules, the bans in force and the active webhooks, as every post reads them:
from the cache.

Every comment is screened against the bans and scored against the rules, so reading both
from the database cost two queries per post. Both change rarely and only through a model
save or delete (the rules' admin page, ban_create and ban_lift, the bans' admin), and the
receivers connected in ModerationConfig.ready() drop the cached copy on any such change.
If the cache is unreachable both are read from the database, as before. The webhooks work
the same way (their page, their admin).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from .models import Ban, ModerationRules, Webhook

RULES_KEY = "parley:moderation:rules"
BANS_KEY = "parley:moderation:bans"
WEBHOOKS_KEY = "parley:moderation:webhooks"
# A safety net only: every change drops the keys at once.
TIMEOUT = 3600


@dataclass(frozen=True)
class BanEntry:
    """The part of a ban the screening of a post needs."""

    pk: int
    kind: str
    user_id: int | None
    value_hash: str
    shadow: bool
    expires_at: datetime | None


def _rules_read() -> ModerationRules:
    rules, _ = ModerationRules.objects.get_or_create(pk=1)
    return rules


def _bans_read() -> tuple[BanEntry, ...]:
    now = timezone.now()
    rows = (
        Ban.objects.filter(lifted_at__isnull=True)
        .exclude(expires_at__lte=now)
        .values_list("pk", "kind", "user_id", "value_hash", "shadow", "expires_at")
    )
    return tuple(BanEntry(*row) for row in rows)


def bans_cached() -> tuple[BanEntry, ...]:
    """The bans not lifted (their expiry is for the reader to check), from the cache when it
    has them."""
    bans = cache.get(BANS_KEY)
    if bans is None:
        bans = _bans_read()
        cache.set(BANS_KEY, bans, TIMEOUT)
    return bans


def rules_cached() -> ModerationRules:
    """The site's moderation rules, from the cache when it has them."""
    rules = cache.get(RULES_KEY)
    if rules is None:
        rules = _rules_read()
        cache.set(RULES_KEY, rules, TIMEOUT)
    return rules


def screening_forget(sender, **kwargs) -> None:
    """Drop the cached rules or bans (a receiver for saves and deletes of either)."""
    cache.delete(RULES_KEY if sender is ModerationRules else BANS_KEY)


@dataclass(frozen=True)
class WebhookEntry:
    """An active webhook and the events it asked for."""

    pk: int
    events: frozenset[str]


def webhooks_cached() -> tuple[WebhookEntry, ...]:
    """The active webhooks, from the cache when it has them: every status change and report
    asks, and with none configured (most sites) that must cost no query."""
    webhooks = cache.get(WEBHOOKS_KEY)
    if webhooks is None:
        webhooks = tuple(
            WebhookEntry(pk=webhook.pk, events=frozenset(webhook.events))
            for webhook in Webhook.objects.filter(active=True)
        )
        cache.set(WEBHOOKS_KEY, webhooks, TIMEOUT)
    return webhooks


def webhooks_forget(sender, **kwargs) -> None:
    """Drop the cached webhooks (a receiver for saves and deletes of one)."""
    cache.delete(WEBHOOKS_KEY)
