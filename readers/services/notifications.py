"""Readers' emails: following articles, update and reply notifications, confirmation and
"manage your comments" links. Only published content is ever announced."""

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from articles.services import update_correction_announced
from comments.models import Comment, CommentStatus
from comments.services import comments_followup_stop
from core.http import absolute_url
from core.mail import email_build

from ..models import ConfirmedAddress, Delivery, Follow
from ..selectors import comments_of, reply_address, verified_address
from ..tasks import follow_confirm_send_task
from ..tokens import token_make
from .author_digest import author_digest_choose

S = CommentStatus
# Confirmation-type mails (follow, reply notifications, manage links) one address may be
# sent per hour, so nobody can use Parley to flood someone else's inbox.
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 5


class FollowOutcome(enum.StrEnum):
    FOLLOWING = "following"
    CONFIRM_SENT = "confirm_sent"
    NEED_VERIFIED_EMAIL = "need_verified_email"


@dataclass(frozen=True)
class Unsubscribed:
    """What an unsubscribe link stopped."""

    UPDATES, REPLIES, ALREADY, NOTHING = "updates", "replies", "already", "nothing"
    AUTHOR_DIGEST = "author_digest"
    what: str
    article_title: str = ""


def _may_send_confirmation(email: str) -> bool:
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
    return absolute_url("readers:unsubscribe", token_make("unsubscribe", follow=follow.pk))


def unsubscribe_url_for_replies(email: str) -> str:
    """The one-click link that stops an address's reply emails."""
    return absolute_url("readers:unsubscribe", token_make("unsubscribe", replies=email))


def follow_start(
    *, article: Article, user: AbstractBaseUser | None = None, email: str = ""
) -> FollowOutcome:
    """Follow an article: at once for a verified account, after a link for a guest.

    A guest is told a link was sent even when the address already follows: whether an
    address follows is nobody else's business.
    """
    if user is not None and user.is_authenticated:
        address = verified_address(user)
        if not address:
            return FollowOutcome.NEED_VERIFIED_EMAIL
        follow, _ = Follow.objects.get_or_create(
            article=article, email=address, defaults={"user": user}
        )
        if follow.confirmed_at is None:
            Follow.objects.filter(pk=follow.pk).update(confirmed_at=timezone.now(), user=user)
        return FollowOutcome.FOLLOWING
    address = email.strip().lower()
    follow, _ = Follow.objects.get_or_create(article=article, email=address)
    if follow.confirmed_at is None:
        follow_confirm_send_task.delay_on_commit(follow.pk)
    return FollowOutcome.CONFIRM_SENT


def follow_confirm_send(*, follow_id: int) -> bool:
    """Mail a guest the link that confirms their follow (capped per address per hour)."""
    follow = Follow.objects.select_related("article").filter(pk=follow_id).first()
    if (
        follow is None
        or follow.confirmed_at is not None
        or not _may_send_confirmation(follow.email)
    ):
        return False
    link = absolute_url("readers:follow_confirm", token_make("follow_confirm", follow=follow.pk))
    email_build(
        to=follow.email,
        subject=f"Confirm: follow “{follow.article.title}”",
        template="readers/email/follow_confirm",
        context={"article": follow.article, "confirm_url": link},
    ).send()
    Delivery.objects.create(
        kind=Delivery.Kind.FOLLOW_CONFIRM, object_id=follow.pk, email=follow.email
    )
    return True


def follow_confirm(*, follow_id: int) -> Follow | None:
    """Confirm a follow from its emailed link; confirming twice changes nothing."""
    follow = Follow.objects.select_related("article").filter(pk=follow_id).first()
    if follow is not None and follow.confirmed_at is None:
        follow.confirmed_at = timezone.now()
        follow.save(update_fields=["confirmed_at"])
    return follow


def follow_stop(*, article: Article, user: AbstractBaseUser) -> int:
    """Stop following an article (signed-in readers)."""
    return Follow.objects.filter(article=article, user=user).delete()[0]


def unsubscribe(*, data: dict) -> Unsubscribed:
    """Act on an unsubscribe token's data; doing it twice is harmless."""
    if "follow" in data:
        follow = Follow.objects.select_related("article").filter(pk=data["follow"]).first()
        if follow is None:
            return Unsubscribed(what=Unsubscribed.ALREADY)
        title = follow.article.title
        follow.delete()
        return Unsubscribed(what=Unsubscribed.UPDATES, article_title=title)
    if "replies" in data:
        comments_followup_stop(email=str(data["replies"]))
        return Unsubscribed(what=Unsubscribed.REPLIES)
    if "author_digest" in data:
        if not author_digest_choose(user_id=int(data["author_digest"]), wanted=False):
            return Unsubscribed(what=Unsubscribed.ALREADY)
        return Unsubscribed(what=Unsubscribed.AUTHOR_DIGEST)
    return Unsubscribed(what=Unsubscribed.NOTHING)


def update_notify(*, update_id: int) -> int:
    """Email the article's confirmed followers about an update: each once when it is posted,
    and all of them again after a correction its author asked them to hear about. A
    withdrawn update is never sent."""
    with transaction.atomic():
        update = (
            ArticleUpdate.objects.select_for_update()
            .select_related("article")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.is_withdrawn or not update.article.is_published:
            return 0
        follows = list(Follow.objects.filter(article=update.article, confirmed_at__isnull=False))
        already = set(
            Delivery.objects.filter(kind=Delivery.Kind.UPDATE, object_id=update.pk).values_list(
                "email", flat=True
            )
        )
        correction = update.correction_notice_pending
        to_tell = follows if correction else [f for f in follows if f.email not in already]
        # A follower who hears of the update first through its correction has heard of it:
        # the update itself is not sent to them afterwards.
        Delivery.objects.bulk_create(
            [
                Delivery(kind=Delivery.Kind.UPDATE, object_id=update.pk, email=f.email)
                for f in to_tell
                if f.email not in already
            ]
        )
        if correction:
            update_correction_announced(update=update)
        article_url = absolute_url("articles:detail", update.article.slug)
        messages = [
            email_build(
                to=follow.email,
                subject=f"{'Correction' if correction else 'Update'}: {update.article.title}",
                template="readers/email/update",
                context={
                    "article": update.article,
                    "update": update,
                    "corrected": correction,
                    "article_url": f"{article_url}#update-{update.pk}",
                },
                unsubscribe_url=unsubscribe_url_for_follow(follow),
            )
            for follow in to_tell
        ]
        if messages:
            get_connection().send_messages(messages)
    return len(messages)


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
    if comment.parent_id != comment.pk:
        parent = Comment.objects.select_related("user").filter(pk=comment.parent_id).first()
        address = reply_address(parent) if parent else ""
        same_author = parent is not None and (
            (parent.user_id and parent.user_id == comment.user_id)
            or (address and address == (comment.user_email or "").lower())
        )
        if address and not same_author:
            # Recorded as sent only if it was: a failed send rolls the record back, and the
            # notifications sweep tries again.
            with transaction.atomic():
                _, created = Delivery.objects.get_or_create(
                    kind=Delivery.Kind.REPLY, object_id=comment.pk, email=address
                )
                if created:
                    _reply_email(comment, parent, address).send()
            if created:
                sent.append(f"reply:{address}")
    if comment.followup and comment.user_id is None and comment.user_email:
        address = comment.user_email.lower()
        asked = Delivery.objects.filter(
            kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
        ).exists()
        confirmed = ConfirmedAddress.objects.filter(email=address).exists()
        if not asked and not confirmed and _may_send_confirmation(address):
            link = absolute_url("readers:reply_confirm", token_make("reply_confirm", email=address))
            email_build(
                to=address,
                subject="Confirm: emails about replies to your comment",
                template="readers/email/reply_confirm",
                context={"comment": comment, "confirm_url": link},
            ).send()
            Delivery.objects.create(
                kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
            )
            sent.append(f"reply_confirm:{address}")
    return sent


def _reply_email(comment: Comment, parent: Comment, address: str):
    return email_build(
        to=address,
        subject=f"{comment.user_name} replied to your comment",
        template="readers/email/reply",
        context={
            "comment": comment,
            "parent": parent,
            "comment_url": absolute_url("comments:permalink", comment.pk),
        },
        unsubscribe_url=unsubscribe_url_for_replies(address),
    )


def reply_address_confirm(*, email: str) -> None:
    """Confirm a guest address for reply notifications; twice is harmless."""
    ConfirmedAddress.objects.get_or_create(email=email.lower())


def manage_link_send(*, email: str) -> bool:
    """Mail a guest a link to manage the comments they posted with this address (only if
    there are some; the page that asks answers the same either way)."""
    address = email.strip().lower()
    if not comments_of(email=address).exists() or not _may_send_confirmation(address):
        return False
    link = absolute_url("readers:manage_enter", token_make("manage", email=address))
    email_build(
        to=address,
        subject="Manage your comments",
        template="readers/email/manage_link",
        context={"manage_url": link},
    ).send()
    Delivery.objects.create(kind=Delivery.Kind.MANAGE_LINK, object_id=0, email=address)
    return True


def notifications_sweep(*, since: timedelta = timedelta(days=1)) -> int:
    """Send whatever recent notifications were missed (a broker outage, a lost task): both
    notifiers skip what was already sent, so this is safe to run any time."""
    cutoff = timezone.now() - since
    sent = 0
    updates = ArticleUpdate.objects.filter(
        Q(published_at__gte=cutoff) | Q(correction_notice_pending=True), withdrawn_at__isnull=True
    )
    for update_id in updates.values_list("pk", flat=True):
        sent += update_notify(update_id=update_id)
    for comment_id in Comment.objects.filter(
        status=S.PUBLISHED, status_changed_at__gte=cutoff
    ).values_list("pk", flat=True):
        sent += len(comment_published_notify(comment_id=comment_id))
    return sent
