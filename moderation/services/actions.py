"""Moderators' decisions on comments, and taking them back."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, CommentStatus

from ..models import ModerationEvent
from .reports import reports_dismiss, reports_reopen
from .transitions import TransitionNotAllowed, comment_lock, comment_transition

S = CommentStatus


class UndoNotAllowed(Exception):
    """The event is too old, already undone, or its comment has moved on since."""


ACTIONS = {
    "approve": (S.PUBLISHED, "approved"),
    "not_spam": (S.PUBLISHED, "marked not spam"),
    "spam": (S.SPAM, "marked spam"),
    "remove": (S.REMOVED, "removed"),
    "hold": (S.HELD, "held"),
    # The comment stays (or, held by reports, goes back to) published: see reports_dismiss.
    "dismiss": (S.PUBLISHED, "reports dismissed"),
}


def comments_moderate(
    *, comment_ids: Iterable[int], action: str, actor: AbstractBaseUser
) -> list[int]:
    """Apply a moderator's action to comments; return the ids of the events it wrote."""
    if action == "dismiss":
        return reports_dismiss(comment_ids=comment_ids, actor=actor)
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


def action_summary(*, action: str, event_ids: list[int]) -> str:
    """Say truly what a moderator's action did, from the events it wrote."""
    count = len(event_ids)
    comments = f"{count} comment{'s' if count != 1 else ''}"
    if action == "dismiss":
        if not count:
            return "No reports dismissed: the selected comments have no open reports left."
        moves = list(
            ModerationEvent.objects.filter(pk__in=event_ids, from_status=S.HELD).values_list(
                "to_status", flat=True
            )
        )
        republished, still_held = moves.count(S.PUBLISHED), moves.count(S.HELD)
        summary = f"Reports dismissed on {comments}."
        if republished:
            summary += (
                f" {republished} of them had been held by reports and "
                f"{'is' if republished == 1 else 'are'} published again."
            )
        if still_held:
            summary += (
                f" {still_held} {'stays' if still_held == 1 else 'stay'} held for another "
                "reason: decide in the Held tab."
            )
        return summary
    verb = ACTIONS[action][1]
    if not count:
        return f"No comment {verb}: the selection was already in that state, or has moved on."
    return f"{comments} {verb}."


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
    if event.from_status == event.to_status:
        return _dismissal_undo(event, actor=actor)
    back_to = S.HELD if event.from_status == S.PENDING else event.from_status
    undone = comment_transition(
        comment_id=event.comment_id,
        to_status=back_to,
        actor=actor,
        reasons=[{"code": "undo", "reason": f"undo of decision #{event.pk}"}],
    )
    if undone is not None:
        reports_reopen(event_id=event.pk)
        ModerationEvent.objects.filter(pk=event.pk).update(undone_at=timezone.now())
    return undone is not None


def _dismissal_undo(event: ModerationEvent, *, actor: AbstractBaseUser) -> bool:
    """Reopen the reports a dismissal closed on a comment that stayed published; audited."""
    if not event.reasons or event.reasons[0].get("code") != "dismiss":
        raise UndoNotAllowed("Reopened reports are dismissed again from the Reported tab.")
    with transaction.atomic():
        comment = comment_lock(comment_id=event.comment_id)
        if comment is None or comment.status != event.to_status:
            raise UndoNotAllowed("The comment has changed since; undo it from its current state.")
        reopened = reports_reopen(event_id=event.pk)
        ModerationEvent.objects.create(
            comment_id=event.comment_id,
            actor=actor,
            actor_label=actor.get_username(),
            from_status=event.to_status,
            to_status=event.to_status,
            reasons=[
                {
                    "code": "undo",
                    "reason": f"undo of decision #{event.pk}: "
                    f"{reopened} report{'s' if reopened != 1 else ''} reopened",
                }
            ],
        )
        ModerationEvent.objects.filter(pk=event.pk).update(undone_at=timezone.now())
    return True
