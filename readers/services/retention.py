"""What Parley forgets by age: a comment's IP address and browser string, the keyed hash of a
guest voter's address, the log of emails sent and expired sessions, once they are older than
PARLEY_ADDRESS_RETENTION_DAYS.

Why those: they serve moderation and delivery while a comment is new (bans and repeats are
screened over days, the notifications sweep looks back one day, a vote's address caps a
comment's guest votes while it is read), and after that only identify a person. The
comment itself, its name and its moderation record stay: the thread and the audit need them,
and a reader erases them with /data/.
"""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from comments.models import Comment, Vote

from ..models import Delivery

# Rows changed per statement: a first run on a large site never holds one long lock.
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Expired:
    comments: int = 0
    deliveries: int = 0
    votes: int = 0


def personal_data_expire(*, now=None) -> Expired:
    """Blank the addresses and browsers of comments and the addresses of votes past the
    retention period, delete the emails-sent log past it, and drop expired sessions.
    Nothing when the period is 0."""
    days = settings.PARLEY_ADDRESS_RETENTION_DAYS
    if days <= 0:
        return Expired()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    comments = _in_batches_blank(
        Comment.objects.filter(submit_date__lt=cutoff).exclude(
            ip_address__isnull=True, user_agent=""
        ),
        ip_address=None,
        user_agent="",
    )
    # Once blank, an old vote no longer counts towards its address's cap on the comment
    # (PARLEY_VOTE_GUESTS_PER_ADDRESS): the browser's own cookie still stops a second vote.
    votes = _in_batches_blank(
        Vote.objects.filter(created_at__lt=cutoff).exclude(address_key=""), address_key=""
    )
    deliveries, _by_model = Delivery.objects.filter(sent_at__lt=cutoff).delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return Expired(comments=comments, deliveries=deliveries, votes=votes)


def _in_batches_blank(old, **blank) -> int:
    """Set `blank` on the rows of `old`, BATCH at a time; how many rows changed."""
    forgotten = 0
    while ids := list(old.values_list("pk", flat=True)[:BATCH]):
        forgotten += old.model.objects.filter(pk__in=ids).update(**blank)
    return forgotten
