"""The receiver connected in ModerationConfig.ready(): it hands over to one service."""

from comments.models import CommentStatus

from . import services


def on_comment_submitted(sender, *, comment_id: int, status: str, **kwargs) -> None:
    if status == CommentStatus.PENDING:  # not already judged as it was stored
        services.comment_scoring_schedule(comment_id=comment_id)
