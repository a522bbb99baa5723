"""Readers' other emails: telling a comment's author about a reply (after a guest confirms
their address by a link), the "manage your comments" link, unsubscribing from any of
Parley's emails, and the sweep that sends what a lost task missed."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from articles.models import ArticleUpdate
from comments.models import Comment, CommentStatus
from comments.services import comments_followup_stop
from core.http import absolute_url
from core.mail import email_build

from ..models import ConfirmedAddress, Delivery, Follow
from ..selectors import (
    author_of_link,
    comment_address_proven,
    follow_of_link,
    reply_address,
    reply_address_confirmed,
)
from ..tokens import token_make
from .author_digest import author_digest_choose
from .emails import confirmation_allowed, language_of, unsubscribe_url_for_replies
from .following import update_notify

S = CommentStatus


@dataclass(frozen=True)
class Unsubscribed:
    """What an unsubscribe link stopped."""

    UPDATES, REPLIES, ALREADY, NOTHING = "updates", "replies", "already", "nothing"
    AUTHOR_DIGEST = "author_digest"
    what: str
    article_title: str = ""


def unsubscribe(*, data: dict) -> Unsubscribed:
    """Act on an unsubscribe token's data; doing it twice is harmless. TokenInvalid, and
    nothing done, when the row it names is not the one it was sent for."""
    if "follow" in data:
        follow = follow_of_link(data=data)
        if follow is None:
            return Unsubscribed(what=Unsubscribed.ALREADY)
        title = follow.article.title
        follow.delete()
        return Unsubscribed(what=Unsubscribed.UPDATES, article_title=title)
    if "replies" in data:
        comments_followup_stop(email=str(data["replies"]))
        return Unsubscribed(what=Unsubscribed.REPLIES)
    if "author_digest" in data:
        user_id = author_of_link(data=data)
        if user_id is None or not author_digest_choose(user_id=user_id, wanted=False):
            return Unsubscribed(what=Unsubscribed.ALREADY)
        return Unsubscribed(what=Unsubscribed.AUTHOR_DIGEST)
    return Unsubscribed(what=Unsubscribed.NOTHING)


def comment_published_notify(*, comment_id: int) -> list[str]:
    """After a comment is published: tell its parent's author (if they asked), and ask a
    guest who ticked "Notify me" to confirm their address. Returns what was sent."""
    comment = (
        Comment.objects.select_related("article", "user")
        .filter(pk=comment_id, status=S.PUBLISHED)
        .first()
    )
    if comment is None:
        return []
    sent = []
    if comment.answered_id != comment.pk:
        parent = Comment.objects.select_related("user").filter(pk=comment.answered_id).first()
        address = reply_address(parent) if parent else ""
        same_author = parent is not None and (
            (parent.user_id and parent.user_id == comment.user_id)
            or (address and address == (comment.user_email or "").lower())
        )
        if address and not same_author:
            # Recorded as sent only if it was: a failed send rolls the record back, and the
            # notifications sweep tries again.
            with transaction.atomic():
                created = Delivery.objects.get_or_create(
                    kind=Delivery.Kind.REPLY, object_id=comment.pk, email=address
                )[1]
                if created:
                    _reply_email(comment, parent, address).send()
            if created:
                sent.append(f"reply:{address}")
    if comment.followup and comment.user_id is None and comment.user_email:
        address = comment.user_email.lower()
        asked = Delivery.objects.filter(
            kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
        ).exists()
        # An address confirmed before is asked again for a comment whose poster had not
        # proven it: the confirmation names this comment, and only its owner's click makes
        # its replies mail them (selectors.reply_address).
        settled = comment_address_proven(comment) and reply_address_confirmed(address)
        if not asked and not settled and confirmation_allowed(address):
            token = token_make("reply_confirm", email=address, comment=comment.pk)
            link = absolute_url("readers:reply_confirm", token)
            # The language the guest wrote the comment in.
            with translation.override(language_of(_written_in(comment))):
                message = email_build(
                    to=address,
                    subject=_("Confirm: emails about replies to your comment"),
                    template="readers/email/reply_confirm",
                    context={"comment": comment, "confirm_url": link},
                )
            message.send()
            Delivery.objects.create(
                kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
            )
            sent.append(f"reply_confirm:{address}")
    return sent


def _written_in(comment: Comment) -> str:
    """The language the comment's author read Parley in when they wrote it ("" if unknown:
    posted before languages were kept, or not through the form)."""
    return (comment.submission_meta or {}).get("language", "")


def _reply_email(comment: Comment, parent: Comment, address: str):
    # A guest's confirmed address keeps the language it was confirmed in; otherwise (an
    # account's address) the language the parent comment was written in.
    stored = ConfirmedAddress.objects.filter(email=address).values_list("language", flat=True)
    with translation.override(language_of(next(iter(stored), "") or _written_in(parent))):
        return email_build(
            to=address,
            subject=_("%(name)s replied to your comment") % {"name": comment.user_name},
            template="readers/email/reply",
            context={
                "comment": comment,
                "parent": parent,
                "comment_url": absolute_url("comments:permalink", comment.pk),
            },
            unsubscribe_url=unsubscribe_url_for_replies(address),
        )


def reply_address_confirm(*, email: str, language: str = "") -> bool:
    """Confirm a guest address for reply notifications, to be written to in `language`;
    twice is harmless (the second confirmation's language is the one kept). Whether this
    call confirmed it."""
    address, created = ConfirmedAddress.objects.get_or_create(
        email=email.lower(), defaults={"language": language}
    )
    if language and not created and address.language != language:
        ConfirmedAddress.objects.filter(pk=address.pk).update(language=language)
    return created


# How far back the sweep looks for notifications a lost task missed.
SWEEP_SINCE = timedelta(days=1)


def notifications_sweep(*, since: timedelta = SWEEP_SINCE) -> int:
    """Send whatever recent notifications were missed (a broker outage, a lost task): both
    notifiers skip what was already sent, so this is safe to run any time."""
    cutoff = timezone.now() - since
    sent = 0
    updates = ArticleUpdate.objects.filter(
        Q(published_at__gte=cutoff) | Q(correction_notice_pending=True),
        withdrawn_at__isnull=True,
        published_at__lte=timezone.now(),  # a scheduled update is not news yet
    )
    for update_id in updates.values_list("pk", flat=True):
        sent += update_notify(update_id=update_id)
    for comment_id in (
        Comment.objects.filter(status=S.PUBLISHED, status_changed_at__gte=cutoff)
        .filter(_may_be_owed_a_notice())
        .values_list("pk", flat=True)
    ):
        sent += len(comment_published_notify(comment_id=comment_id))
    return sent


def _may_be_owed_a_notice() -> Q:
    """Published comments comment_published_notify may have something to send for: a reply
    to a comment whose author asked to hear of replies, or a guest's comment that asked with
    an address. Reading every other comment of the day too would cost queries for each, every
    five minutes, to send nothing."""
    parent_asked = Comment.objects.filter(pk=OuterRef("parent_id"), followup=True)
    is_reply = ~Q(parent_id=F("pk"))
    guest_asked = Q(followup=True, user__isnull=True) & ~Q(user_email="")
    return (is_reply & Exists(parent_asked)) | guest_asked


def updates_mark_announced(*, update_ids: list[int]) -> int:
    """Record these updates as heard of by their articles' confirmed followers, so that the
    sweep never emails them: a restored backup's, which the site it comes from announced.
    Returns how many were recorded."""
    now = timezone.now()
    # Only an update recent enough for the sweep to pick up could be sent again.
    updates = list(
        ArticleUpdate.objects.filter(
            pk__in=update_ids, published_at__gte=now - SWEEP_SINCE, published_at__lte=now
        ).values_list("pk", "article_id", "published_at")
    )
    followers = defaultdict(list)  # article id -> (email, confirmed at), in one query
    for article_id, email, confirmed_at in Follow.objects.filter(
        article_id__in={update[1] for update in updates}, confirmed_at__isnull=False
    ).values_list("article_id", "email", "confirmed_at"):
        followers[article_id].append((email, confirmed_at))
    # Those update_notify would tell: who followed before the update was published.
    rows = [
        Delivery(kind=Delivery.Kind.UPDATE, object_id=pk, email=email)
        for pk, article_id, published_at in updates
        for email, confirmed_at in followers[article_id]
        if confirmed_at <= published_at
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
