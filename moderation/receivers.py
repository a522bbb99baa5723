"""Receivers connected in ModerationConfig.ready(); each hands over to one service."""

from comments.models import CommentStatus

from . import services


def on_comment_submitted(sender, *, comment_id: int, **kwargs) -> None:
    services.comment_enqueue_scoring(comment_id=comment_id)


def on_comment_status_changed(
    sender, *, comment_id: int, from_status: str, to_status: str, **kwargs
) -> None:
    if to_status == CommentStatus.HELD:
        services.held_digest_schedule()
    services.article_page_refresh(
        comment_id=comment_id, from_status=from_status, to_status=to_status
    )


def on_comment_screening(sender, *, user, email: str, ip_address: str | None, **kwargs):
    from comments.signals import Screening

    ban = services.ban_for(user=user, email=email, ip_address=ip_address)
    if ban is None:
        return None
    if ban.shadow:
        return Screening(shadow=True)
    until = f" until {ban.expires_at:%-d %B %Y}" if ban.expires_at else ""
    return Screening(refuse=f"You cannot comment on this site{until}.")
