"""Moderators' decisions on comments, and taking them back."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from comments.models import Comment, CommentStatus

from ..models import ModerationEvent
from .transitions import TransitionNotAllowed, comment_transition

S = CommentStatus


class UndoNotAllowed(Exception):
    """The event is too old, already undone, or its comment has moved on since."""


ACTIONS = {
    "approve": (S.PUBLISHED, "approved"),
    "not_spam": (S.PUBLISHED, "marked not spam"),
    "spam": (S.SPAM, "marked spam"),
    "remove": (S.REMOVED, "removed"),
    "hold": (S.HELD, "held"),
}


def comments_moderate(
    *, comment_ids: Iterable[int], action: str, actor: AbstractBaseUser
) -> list[int]:
    """Apply a moderator's action to comments; return the ids of the events it wrote."""
    to_status, _ = ACTIONS[action]
    event_ids = []
    for comment_id in comment_ids:
        try:
            event = comment_transition(
                comment_id=comment_id,
                to_status=to_status,
                actor=actor,
                reasons=[{"code": action, "reason": f"{ACTIONS[action][1]} by a moderator"}],
            )
        except TransitionNotAllowed:
            continue
        if event is not None:
            event_ids.append(event.pk)
    return event_ids


def event_undo(*, event_id: int, actor: AbstractBaseUser) -> bool:
    """Reverse a moderator's decision within the undo window, through the same transition."""
    event = ModerationEvent.objects.filter(pk=event_id).first()
    window = timedelta(minutes=settings.PARLEY_UNDO_MINUTES)
    if (
        event is None
        or event.comment_id is None
        or event.actor_id is None
        or event.undone_at is not None
    ):
        raise UndoNotAllowed("Only a moderator's decision can be undone, and only once.")
    if timezone.now() - event.created_at > window:
        raise UndoNotAllowed(f"Decisions can be undone for {settings.PARLEY_UNDO_MINUTES} minutes.")
    current = Comment.objects.filter(pk=event.comment_id).values_list("status", flat=True).first()
    if current != event.to_status:
        raise UndoNotAllowed("The comment has changed since; undo it from its current state.")
    back_to = S.HELD if event.from_status == S.PENDING else event.from_status
    undone = comment_transition(
        comment_id=event.comment_id,
        to_status=back_to,
        actor=actor,
        reasons=[{"code": "undo", "reason": f"undo of decision #{event.pk}"}],
    )
    if undone is not None:
        ModerationEvent.objects.filter(pk=event.pk).update(undone_at=timezone.now())
    return undone is not None
