"""Receivers connected in ReadersConfig.ready(); each queues one task."""

from comments.models import CommentStatus

from . import selectors, tasks


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
