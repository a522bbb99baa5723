"""Receivers connected in ModerationConfig.ready(); each hands over to one service."""

from . import roles, services


def on_comment_submitted(sender, *, comment_id: int, **kwargs) -> None:
    services.comment_route_new(comment_id=comment_id)


def on_post_migrate(sender, **kwargs) -> None:
    roles.groups_ensure()
