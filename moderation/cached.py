"""The moderation rules, the bans in force and the active webhooks, as every post reads them:
from the cache.

Every comment is screened against the bans and scored against the rules, so reading both
from the database cost two queries per post. Both change rarely and only through a model
save or delete (the rules' admin page, ban_create and ban_lift, the bans' admin), and the
receivers connected in ModerationConfig.ready() drop the cached copy on any such change.
If the cache is unreachable both are read from the database, as before. The webhooks work
the same way (their page, their admin).

Within one request or task, each is read from the cache once (`_Held`): a post asks for the
rules five times and for the bans and the webhooks twice each, and on the file cache every
ask opened a file and unpickled a model. What is held is dropped when the request or task
ends, after HOLD_SECONDS (a worker's scoring run lasts up to 15 s), and on any change made
in this process; outside a request or task nothing is held.
"""

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.cache import cache

from core.after_response import on_commit_before_answer

from .models import Ban, ModerationRules, Webhook

RULES_KEY = "parley:moderation:rules"
BANS_KEY = "parley:moderation:bans"
WEBHOOKS_KEY = "parley:moderation:webhooks"
# A safety net only: every change drops the keys at once.
TIMEOUT = 3600
HOLD_SECONDS = 1.0


class _Held(threading.local):
    """What this thread's request or task has read so far (runserver serves requests on
    several threads): key -> (when read, value); None outside a request or task. `depth`
    counts the ones open, since an inline task runs inside the request that queued it."""

    values: dict | None = None
    depth: int = 0
    # The key this thread is reading from the database: the rules' first read creates their
    # row, and that save's drop is of what this read returns, not a change to keep it out.
    loading: str = ""


_held = _Held()


def held_request_start(**kwargs) -> None:
    """A request begins: it starts afresh, since one never runs inside another on a thread,
    so what an earlier one left open (its end never signalled) is dropped."""
    _held.depth, _held.values = 0, None
    held_start()


def held_start(**kwargs) -> None:
    """A task begins (or a request, through held_request_start): hold what it reads."""
    _held.depth += 1
    if _held.values is None:
        _held.values = {}


def held_end(**kwargs) -> None:
    """A request or task ends: once the outermost has, hold nothing until the next begins."""
    _held.depth = max(0, _held.depth - 1)
    if not _held.depth:
        _held.values = None


def _fresh(held: dict | None, key: str, now: float):
    """What this request holds under `key`, while it is fresh; else None."""
    if held is not None and (found := held.get(key)) is not None and now - found[0] < HOLD_SECONDS:
        return found
    return None


@dataclass(frozen=True)
class _Dropped:
    """What a change leaves under a key instead of deleting it: a mark of that one change,
    by which a reader that found no value can tell whether another change came meanwhile."""

    token: str


def _read(key: str, load, *, along: str = ""):
    """`key` from what this request holds, else from the cache, else `load()` (and cached).
    Inside a request or task, `along` (a key it will read next) comes in the same trip to the
    cache and is held too."""
    held, now = _held.values, time.monotonic()
    if (found := _fresh(held, key, now)) is not None:
        return found[1]
    if along and held is not None and _fresh(held, along, now) is None:
        values = cache.get_many([key, along])
        if not isinstance(values.get(along, _Dropped("")), _Dropped):
            held[along] = (now, values[along])
        value = values.get(key)
    else:
        value = cache.get(key)
    if value is None or isinstance(value, _Dropped):
        seen, _held.loading = value, key
        try:
            value = load()
        finally:
            _held.loading = ""
        # Saved while the database was read, a change dropped the key after this read began:
        # what was read is older than the change, and cached it would stand until TIMEOUT.
        if cache.get(key) == seen:
            cache.set(key, value, TIMEOUT)
    if held is not None:
        held[key] = (now, value)
    return value


def _drop(key: str) -> None:
    cache.set(key, _Dropped(uuid.uuid4().hex), TIMEOUT)


def _forget(key: str) -> None:
    if key != _held.loading:
        _drop(key)
        # Again once the change is committed: a reader in between still read the old row.
        on_commit_before_answer(partial(_drop, key))
    if _held.values is not None:
        _held.values.pop(key, None)


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
    rows = Ban.objects.in_force().values_list(
        "pk", "kind", "user_id", "value_hash", "shadow", "expires_at"
    )
    return tuple(BanEntry(*row) for row in rows)


def bans_cached() -> tuple[BanEntry, ...]:
    """The bans not lifted (their expiry is for the reader to check), from the cache when it
    has them. What reads the bans (a post's screening) reads the rules next: they come along."""
    return _read(BANS_KEY, _bans_read, along=RULES_KEY)


def rules_cached() -> ModerationRules:
    """The site's moderation rules, from the cache when it has them."""
    return _read(RULES_KEY, _rules_read)


def screening_forget(sender, **kwargs) -> None:
    """Drop the cached rules or bans (a receiver for saves and deletes of either)."""
    _forget(RULES_KEY if sender is ModerationRules else BANS_KEY)


@dataclass(frozen=True)
class WebhookEntry:
    """An active webhook and the events it asked for."""

    pk: int
    events: frozenset[str]


def webhooks_cached() -> tuple[WebhookEntry, ...]:
    """The active webhooks, from the cache when it has them: every status change and report
    asks, and with none configured (most sites) that must cost no query."""
    return _read(WEBHOOKS_KEY, _webhooks_read)


def _webhooks_read() -> tuple[WebhookEntry, ...]:
    return tuple(
        WebhookEntry(pk=webhook.pk, events=frozenset(webhook.events))
        for webhook in Webhook.objects.filter(active=True)
    )


def webhooks_forget(sender, **kwargs) -> None:
    """Drop the cached webhooks (a receiver for saves and deletes of one)."""
    _forget(WEBHOOKS_KEY)
