"""The receivers connected in ModerationConfig.ready(): each hands over to one service."""

from comments.models import CommentStatus

from . import services
from .live import PLACE_FIELDS, comment_status_announce


def on_comment_submitted(sender, *, comment_id: int, status: str, **kwargs) -> None:
    if status == CommentStatus.PENDING:  # not already judged as it was stored
        services.comment_scoring_schedule(comment_id=comment_id)


def on_comment_status_changed(sender, *, comment_id: int, to_status: str, **kwargs) -> None:
    if to_status in (CommentStatus.HELD, CommentStatus.PUBLISHED):
        services.webhooks_notify(event=to_status, comment_id=comment_id)


def on_comment_status_changed_live(
    sender, *, comment_id: int, from_status: str, to_status: str, **kwargs
) -> None:
    place = {name: kwargs[name] for name in PLACE_FIELDS if name in kwargs}
    comment_status_announce(
        comment_id=comment_id,
        from_status=from_status,
        to_status=to_status,
        place=place if len(place) == len(PLACE_FIELDS) else None,
    )
