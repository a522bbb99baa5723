"""Readers' writes: following articles, notifications, and owning their comments."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from comments.models import Comment, CommentStatus, text_fingerprint
from comments.rendering import comment_to_safe_html
from comments.services import comments_claim
from core.http import absolute_url
from core.text import strip_control_characters
from moderation.models import TrainingExample
from moderation.services import comment_enqueue_scoring, comment_transition

from .models import ConfirmedAddress, Delivery, Follow
from .tokens import token_make

logger = logging.getLogger(__name__)

S = CommentStatus
# Confirmation-type mails (follow, reply notifications, manage links) one address may be
# sent per hour, so nobody can use Parley to flood someone else's inbox.
CONFIRMATIONS_PER_ADDRESS_PER_HOUR = 5
OWNER_ACTIONABLE = (S.PUBLISHED, S.PENDING, S.HELD)


class NotYours(Exception):
    """The comment does not belong to whoever asked."""


class EditClosed(Exception):
    """The comment can no longer be edited (too old, or not in an editable state)."""


# ---------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------
def _message(*, to: str, subject: str, template: str, context: dict, unsubscribe_url: str = ""):
    """A plain-text + HTML email; with one-click unsubscribe headers when it is a list mail."""
    context = {**context, "unsubscribe_url": unsubscribe_url}
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=f"[Parley] {subject}",
        body=render_to_string(f"readers/email/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"readers/email/{template}.html", context), "text/html"
    )
    return message


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
    return absolute_url("readers:unsubscribe", token_make("unsubscribe", follow=follow.pk))


def unsubscribe_url_for_replies(email: str) -> str:
    return absolute_url("readers:unsubscribe", token_make("unsubscribe", replies=email))


def verified_address(user: AbstractBaseUser) -> str:
    """The user's primary email if allauth has verified it, else ""."""
    from allauth.account.models import EmailAddress

    email = (getattr(user, "email", "") or "").lower()
    if (
        email
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    ):
        return email
    return ""


# ---------------------------------------------------------------------------
# Following an article
# ---------------------------------------------------------------------------
def follow_start(*, article: Article, user: AbstractBaseUser | None = None, email: str = "") -> str:
    """Follow an article: at once for a verified account, after a link for a guest.

    Returns "following", "confirm_sent" (also when the address already follows: whether an
    address follows is nobody else's business) or "need_verified_email".
    """
    if user is not None and user.is_authenticated:
        address = verified_address(user)
        if not address:
            return "need_verified_email"
        follow, _ = Follow.objects.get_or_create(
            article=article, email=address, defaults={"user": user}
        )
        if follow.confirmed_at is None:
            Follow.objects.filter(pk=follow.pk).update(confirmed_at=timezone.now(), user=user)
        return "following"
    address = email.strip().lower()
    follow, _ = Follow.objects.get_or_create(article=article, email=address)
    if follow.confirmed_at is None:
        from .tasks import follow_confirm_send_task

        transaction.on_commit(lambda: enqueue(follow_confirm_send_task, follow.pk))
    return "confirm_sent"


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
    _message(
        to=follow.email,
        subject=f"Confirm: follow “{follow.article.title}”",
        template="follow_confirm",
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


def unsubscribe(*, data: dict) -> str:
    """Act on an unsubscribe token's data; doing it twice is harmless. Returns what stopped."""
    if "follow" in data:
        follow = Follow.objects.select_related("article").filter(pk=data["follow"]).first()
        if follow is not None:
            title = follow.article.title
            follow.delete()
            return f"You will no longer get updates about “{title}”."
        return "You were already unsubscribed."
    if "replies" in data:
        address = str(data["replies"]).lower()
        Comment.objects.filter(user_email__iexact=address, followup=True).update(followup=False)
        Comment.objects.filter(user__email__iexact=address, followup=True).update(followup=False)
        return "You will no longer get emails about replies to your comments."
    return "Nothing to unsubscribe from."


# ---------------------------------------------------------------------------
# Notifications: only for published content
# ---------------------------------------------------------------------------
def update_notify(*, update_id: int) -> int:
    """Email every confirmed follower of the article about a new update, once each."""
    with transaction.atomic():
        update = (
            ArticleUpdate.objects.select_for_update()
            .select_related("article")
            .filter(pk=update_id)
            .first()
        )
        if update is None or not update.article.is_published:
            return 0
        follows = list(Follow.objects.filter(article=update.article, confirmed_at__isnull=False))
        already = set(
            Delivery.objects.filter(kind=Delivery.Kind.UPDATE, object_id=update.pk).values_list(
                "email", flat=True
            )
        )
        to_tell = [follow for follow in follows if follow.email not in already]
        Delivery.objects.bulk_create(
            [
                Delivery(kind=Delivery.Kind.UPDATE, object_id=update.pk, email=f.email)
                for f in to_tell
            ]
        )
        article_url = absolute_url("articles:detail", update.article.slug)
        messages = [
            _message(
                to=follow.email,
                subject=f"Update: {update.article.title}",
                template="update",
                context={
                    "article": update.article,
                    "update": update,
                    "article_url": f"{article_url}#update-{update.pk}",
                },
                unsubscribe_url=unsubscribe_url_for_follow(follow),
            )
            for follow in to_tell
        ]
        if messages:
            get_connection().send_messages(messages)
    return len(messages)


def reply_address(parent: Comment) -> str:
    """Where to tell a comment's author about replies: only if they asked, and only a
    verified account address or a guest address confirmed by a link."""
    if not parent.followup or parent.status in (S.SPAM, S.REMOVED, S.DELETED):
        return ""
    if parent.user_id:
        return verified_address(parent.user)
    address = parent.user_email.lower()
    if address and ConfirmedAddress.objects.filter(email=address).exists():
        return address
    return ""


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
            _, created = Delivery.objects.get_or_create(
                kind=Delivery.Kind.REPLY, object_id=comment.pk, email=address
            )
            if created:
                _message(
                    to=address,
                    subject=f"{comment.user_name} replied to your comment",
                    template="reply",
                    context={
                        "comment": comment,
                        "parent": parent,
                        "comment_url": absolute_url("comments:permalink", comment.pk),
                    },
                    unsubscribe_url=unsubscribe_url_for_replies(address),
                ).send()
                sent.append(f"reply:{address}")
    if comment.followup and comment.user_id is None and comment.user_email:
        address = comment.user_email.lower()
        asked = Delivery.objects.filter(
            kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
        ).exists()
        confirmed = ConfirmedAddress.objects.filter(email=address).exists()
        if not asked and not confirmed and _may_send_confirmation(address):
            link = absolute_url("readers:reply_confirm", token_make("reply_confirm", email=address))
            _message(
                to=address,
                subject="Confirm: emails about replies to your comment",
                template="reply_confirm",
                context={"comment": comment, "confirm_url": link},
            ).send()
            Delivery.objects.create(
                kind=Delivery.Kind.REPLY_CONFIRM, object_id=comment.pk, email=address
            )
            sent.append(f"reply_confirm:{address}")
    return sent


def email_proven(*, email: str, own_ids: frozenset[int]) -> int:
    """A browser followed a link sent to `email`: the comments it posted with that address
    now belong to a known author. Returns how many were attached."""
    return comments_claim(email=email, comment_ids=own_ids)


def reply_address_confirm(*, email: str) -> None:
    """Confirm a guest address for reply notifications; twice is harmless."""
    ConfirmedAddress.objects.get_or_create(email=email.lower())


# ---------------------------------------------------------------------------
# Readers own their comments
# ---------------------------------------------------------------------------
def comment_is_owned(
    comment: Comment,
    *,
    user: AbstractBaseUser | None,
    own_ids: frozenset[int] = frozenset(),
    manage_email: str = "",
) -> bool:
    """An account owns its comments; a guest owns theirs from the posting browser, or
    through a link sent to the address they gave."""
    if user is not None and user.is_authenticated and comment.user_id == user.pk:
        return True
    if comment.user_id is None:
        if comment.pk in own_ids:
            return True
        if manage_email and comment.user_email and comment.user_email.lower() == manage_email:
            return True
    return False


def comment_edit_deadline(comment: Comment) -> datetime:
    return comment.submit_date + timedelta(minutes=settings.PARLEY_EDIT_MINUTES)


def comment_is_editable(comment: Comment) -> bool:
    """Still inside the edit window, and not removed, spam or deleted."""
    return comment.status in OWNER_ACTIONABLE and timezone.now() < comment_edit_deadline(comment)


def comment_edit(*, comment: Comment, text: str) -> Comment:
    """Change a comment's text inside the edit window; it is marked edited and scored again."""
    if not comment_is_editable(comment):
        raise EditClosed(
            f"Comments can be edited for {settings.PARLEY_EDIT_MINUTES} minutes after posting."
        )
    now = timezone.now()
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            comment=text,
            comment_html=comment_to_safe_html(text),
            text_hash=text_fingerprint(text),
            edited_at=now,
        )
        if comment.status != S.PENDING:
            comment_transition(
                comment_id=comment.pk,
                to_status=S.PENDING,
                actor_label="author",
                reasons=[{"code": "edited", "reason": "edited by its author; scored again"}],
            )
        transaction.on_commit(lambda: comment_enqueue_scoring(comment_id=comment.pk))
    comment.refresh_from_db()
    return comment


def comment_delete(*, comment: Comment) -> bool:
    """Delete a comment at its author's request: its words and personal details are erased;
    if it has replies, a "[deleted]" placeholder keeps the thread whole."""
    if comment.status == S.DELETED:
        return False
    with transaction.atomic():
        changed = comment_transition(
            comment_id=comment.pk,
            to_status=S.DELETED,
            actor_label="author",
            reasons=[{"code": "deleted", "reason": "deleted by its author"}],
        )
        Comment.objects.filter(pk=comment.pk).update(
            comment="", comment_html="", text_hash="", user_email="", user_url="", ip_address=None,
            user_agent="", submission_meta={}, followup=False,
        )  # fmt: skip
        TrainingExample.objects.filter(comment_id=comment.pk).delete()
    return changed


def comments_of(*, user: AbstractBaseUser | None = None, email: str = ""):
    """A reader's comments: an account's, or a guest address's (deleted ones left out)."""
    comments = Comment.objects.exclude(status=S.DELETED).select_related("article")
    if user is not None and user.is_authenticated:
        return comments.filter(user=user)
    return (
        comments.filter(user__isnull=True, user_email__iexact=email) if email else comments.none()
    )


def comments_export(*, user: AbstractBaseUser | None = None, email: str = "") -> list[dict]:
    """Everything Parley keeps about a reader's comments, as JSON-ready dicts."""
    return [
        {
            "id": c.pk,
            "article": c.article.title,
            "article_url": reverse("articles:detail", args=[c.article.slug]),
            "in_reply_to": c.parent_id if c.parent_id != c.pk else None,
            "name": c.user_name,
            "email": c.user_email,
            "website": c.user_url,
            "text": c.comment,
            "posted_at": c.submit_date.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "status": c.status,
            "notify_replies": c.followup,
        }
        for c in comments_of(user=user, email=email).order_by("submit_date")
    ]


def comments_delete_all(*, user: AbstractBaseUser | None = None, email: str = "") -> int:
    """Delete every comment of a reader (each through the same deletion as one)."""
    deleted = 0
    for comment in list(comments_of(user=user, email=email)):
        deleted += comment_delete(comment=comment)
    return deleted


def manage_link_send(*, email: str) -> bool:
    """Mail a guest a link to manage the comments they posted with this address (only if
    there are some; the page that asks answers the same either way)."""
    address = email.strip().lower()
    if not comments_of(email=address).exists() or not _may_send_confirmation(address):
        return False
    link = absolute_url("readers:manage_enter", token_make("manage", email=address))
    _message(
        to=address,
        subject="Manage your comments",
        template="manage_link",
        context={"manage_url": link},
    ).send()
    Delivery.objects.create(kind=Delivery.Kind.MANAGE_LINK, object_id=0, email=address)
    return True


def notifications_sweep(*, since: timedelta = timedelta(days=1)) -> int:
    """Send whatever recent notifications were missed (a broker outage, a lost task): both
    notifiers skip what was already sent, so this is safe to run any time."""
    cutoff = timezone.now() - since
    sent = 0
    for update_id in ArticleUpdate.objects.filter(published_at__gte=cutoff).values_list(
        "pk", flat=True
    ):
        sent += update_notify(update_id=update_id)
    for comment_id in Comment.objects.filter(
        status=S.PUBLISHED, status_changed_at__gte=cutoff
    ).values_list("pk", flat=True):
        sent += len(comment_published_notify(comment_id=comment_id))
    return sent


def enqueue(task, *args) -> None:
    """Queue a task; if the broker is down, log it (the notifications sweep catches up)."""
    try:
        task.apply_async(args)
    except Exception:  # the broker being down must not fail the reader's request
        logger.warning("Could not queue %s%r", task.name, args, exc_info=True)


def user_display_name_set(*, user: AbstractBaseUser, first_name: str, last_name: str) -> None:
    """Change the name shown on a reader's new comments and, for authors, their bylines."""
    user.first_name = strip_control_characters(first_name).strip()[:150]
    user.last_name = strip_control_characters(last_name).strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
