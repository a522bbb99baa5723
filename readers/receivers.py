"""Receivers connected in ReadersConfig.ready(); each queues one task."""

from comments.models import CommentStatus

from . import tasks
from .services import enqueue


def on_update_published(sender, *, update_id: int, **kwargs) -> None:
    enqueue(tasks.update_notify_task, update_id)


def on_comment_status_changed(sender, *, comment_id: int, to_status: str, **kwargs) -> None:
    if to_status == CommentStatus.PUBLISHED:
        enqueue(tasks.comment_published_task, comment_id)
