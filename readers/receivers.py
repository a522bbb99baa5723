"""Receivers connected in ReadersConfig.ready(); each queues one task or calls one service."""

from django.contrib import messages
from django.utils.translation import ngettext

from comments.models import CommentStatus

from . import selectors, services, tasks


def on_update_published(sender, *, update_id: int, **kwargs) -> None:
    tasks.update_notify_task.enqueue(update_id)


def on_comment_status_changed(
    sender,
    *,
    comment_id: int,
    to_status: str,
    parent_id: int,
    followup: bool,
    guest_email: str,
    **kwargs,
) -> None:
    if to_status != CommentStatus.PUBLISHED:
        return
    # Someone may be told only when the parent's author asked for replies, or a guest asked
    # for them and gave an address to confirm; otherwise no task is queued at all.
    asks_to_confirm = followup and bool(guest_email)
    if asks_to_confirm or selectors.reply_notice_wanted(
        parent_id=kwargs.get("answered_id", parent_id),
        comment_id=comment_id,
        parent_followup=kwargs.get("parent_followup"),
    ):
        tasks.comment_published_task.enqueue(comment_id)


def on_account_address_changed(
    sender, *, request=None, user=None, email_address=None, **kwargs
) -> None:
    """allauth's email_changed, email_removed and email_confirmed: an account's follows
    follow its verified address."""
    ended = services.follows_address_sync(user=user or email_address.user)
    if ended and request is not None:
        # Said beside allauth's "Removed email address …", or the reader would find out
        # only by the updates that stop coming.
        messages.warning(
            request,
            ngettext(
                "You no longer follow %(count)s article: updates are sent by email, and "
                "your account has no verified email address now.",
                "You no longer follow %(count)s articles: updates are sent by email, and "
                "your account has no verified email address now.",
                ended,
            )
            % {"count": ended},
        )
