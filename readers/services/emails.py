"""What every email to a reader shares: the language it is written in, the hourly cap on
confirmation mails to one address, and the one-click unsubscribe links."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.http import absolute_url

from ..models import Delivery, Follow
from ..tokens import token_for_follow, token_make

# Confirmation-type mails (follow, reply notifications, manage links) one address may be
# sent per hour, so nobody can use Parley to flood someone else's inbox.
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 5


def language_of(stored: str) -> str:
    """The language an email to a reader is written in: the one they used Parley in, else
    (none kept, or one the site no longer offers) the site's."""
    return stored if stored in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def confirmation_allowed(email: str) -> bool:
    """Whether one more confirmation-type mail may go to this address this hour."""
    since = timezone.now() - timedelta(hours=1)
    recent = Delivery.objects.filter(
        email=email,
        sent_at__gte=since,
        kind__in=[
            Delivery.Kind.FOLLOW_CONFIRM,
            Delivery.Kind.REPLY_CONFIRM,
            Delivery.Kind.MANAGE_LINK,
        ],
    ).count()
    return recent < CONFIRMATIONS_PER_ADDRESS_PER_HOUR


def unsubscribe_url_for_follow(follow: Follow) -> str:
    """The one-click link that stops a follower's update emails."""
    return absolute_url("readers:unsubscribe", token_for_follow("unsubscribe", follow=follow))


def unsubscribe_url_for_replies(email: str) -> str:
    """The one-click link that stops an address's reply emails."""
    return absolute_url("readers:unsubscribe", token_make("unsubscribe", replies=email))
