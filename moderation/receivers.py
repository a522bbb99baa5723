"""The receiver connected in ModerationConfig.ready(): it hands over to one service."""

from . import services


def on_comment_submitted(sender, *, comment_id: int, **kwargs) -> None:
    services.comment_scoring_schedule(comment_id=comment_id)
