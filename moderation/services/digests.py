"""Telling moderators about held comments, in batches rather than one mail each."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection

from core.http import absolute_url
from core.mail import email_build

from .. import selectors
from ..models import HeldDigest

logger = logging.getLogger(__name__)
HELD_DIGEST_KEY = "parley:held-digest-scheduled"


def held_digest_schedule() -> None:
    """Send one digest for all comments held in the next few minutes, not one mail each."""
    from ..tasks import held_digest_task

    delay = settings.PARLEY_HELD_DIGEST_DELAY
    try:
        if cache.add(HELD_DIGEST_KEY, 1, timeout=delay + 60):
            held_digest_task.apply_async(countdown=delay)
    except Exception:
        logger.warning("Could not schedule the held-comments digest", exc_info=True)


def held_digest_send() -> int:
    """Email moderators the comments held since the previous digest; returns how many."""
    previous = HeldDigest.objects.order_by("-sent_at").values_list("sent_at", flat=True).first()
    held = selectors.held_since(previous)
    if not held:
        return 0
    recipients = selectors.moderator_emails()
    context = {"comments": held, "queue_url": absolute_url("moderation:queue")}
    subject = f"{len(held)} comment{'s' if len(held) != 1 else ''} held for review"
    # One message each: moderators never see each other's addresses.
    messages = [
        email_build(
            to=address, subject=subject, template="moderation/email/held_digest", context=context
        )
        for address in recipients
    ]
    if messages:
        get_connection().send_messages(messages)
    HeldDigest.objects.create(comment_count=len(held), recipient_count=len(recipients))
    return len(held)
