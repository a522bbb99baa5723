"""Telling moderators about held comments, in batches rather than one mail each."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import ngettext

from core.http import absolute_url
from core.mail import email_build

from .. import selectors
from ..models import HeldDigest, HeldNotice

# How far back a digest looks for holds it has not listed: far longer than any transaction
# that holds a comment can take to commit. Older holds wait in the queue, unmailed, and
# their notices are dropped.
LOOKBACK = timedelta(days=2)
# The most comments one email lists; it says how many more there are.
LISTED = 200


def held_digest_send() -> int:
    """Email moderators the comments held that no digest has listed yet; returns how many.

    Beat runs it every PARLEY_HELD_DIGEST_DELAY seconds, so the comments held in between
    arrive as one email rather than one each; with nothing newly held it sends nothing.
    The comments are claimed (HeldNotice) before the email goes, so two digests at once
    never list one comment twice; if sending fails the claim is dropped, and the next
    digest lists them."""
    started = timezone.now()
    recipients = selectors.moderator_emails()
    digest, held = _claim(started, len(recipients))
    if digest is None:
        return 0
    listed = selectors.held_listed([pk for pk, _ in held[:LISTED]])
    context = {
        "comments": listed,
        "count": len(held),
        "more": len(held) - len(listed),
        "queue_url": absolute_url("moderation:queue"),
    }
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
    try:
        if messages:
            get_connection().send_messages(messages)
    except Exception:
        digest.delete()  # and its notices: the next digest lists these comments
        raise
    HeldNotice.objects.filter(held_at__lt=started - LOOKBACK).delete()
    return len(held)


def _claim(started, recipient_count: int) -> tuple[HeldDigest | None, list]:
    """A digest of the holds no digest has listed, with a notice for each; (None, []) when
    there are none. Another digest claiming some of them at the same moment (PostgreSQL
    lets both read before either commits) makes this one read again."""
    for _ in range(3):
        try:
            with transaction.atomic():
                held = selectors.held_unnoticed(since=started - LOOKBACK)
                if not held:
                    return None, []
                digest = HeldDigest.objects.create(
                    comment_count=len(held), recipient_count=recipient_count
                )
                HeldNotice.objects.bulk_create(
                    HeldNotice(digest=digest, comment_id=pk, held_at=at) for pk, at in held
                )
                return digest, held
        except IntegrityError:
            continue
    return None, []
