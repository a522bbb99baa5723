"""Receivers connected in ReadersConfig.ready(); each queues one task."""

from comments.models import CommentStatus

from . import tasks


def on_update_published(sender, *, update_id: int, **kwargs) -> None:
    tasks.update_notify_task.enqueue(update_id)


def on_comment_status_changed(sender, *, comment_id: int, to_status: str, **kwargs) -> None:
    if to_status == CommentStatus.PUBLISHED:
        tasks.comment_published_task.enqueue(comment_id)
