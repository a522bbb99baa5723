"""Telling moderators about held comments, in batches rather than one mail each."""

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone, translation
from django.utils.translation import ngettext

from core.http import absolute_url
from core.mail import email_build

from .. import selectors
from ..models import HeldDigest


def held_digest_send() -> int:
    """Email moderators the comments held since the previous digest; returns how many.

    Beat runs it every PARLEY_HELD_DIGEST_DELAY seconds, so the comments held in between
    arrive as one email rather than one each; with nothing newly held it sends nothing."""
    started = timezone.now()
    previous = HeldDigest.objects.order_by("-sent_at").values("covers_until", "sent_at").first()
    held = selectors.held_since(previous and (previous["covers_until"] or previous["sent_at"]))
    if not held:
        return 0
    recipients = selectors.moderator_emails()
    context = {"comments": held, "queue_url": absolute_url("moderation:queue")}
    # In the site's language: a digest is sent by beat, or after whichever reader's comment
    # was held, and no moderator's own language is known.
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(count)s comment held for review", "%(count)s comments held for review", len(held)
        ) % {"count": len(held)}
        # One message each: moderators never see each other's addresses.
        messages = [
            email_build(
                to=address,
                subject=subject,
                template="moderation/email/held_digest",
                context=context,
            )
            for address in recipients
        ]
    if messages:
        get_connection().send_messages(messages)
    HeldDigest.objects.create(
        covers_until=started, comment_count=len(held), recipient_count=len(recipients)
    )
    return len(held)
