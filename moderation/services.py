"""The one place a comment's moderation status changes."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, CommentStatus, Thread
from comments.services import thread_recount

from .models import ModerationEvent
from .signals import comment_status_changed

S = CommentStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PUBLISHED, S.HELD, S.SPAM, S.REMOVED}),
    S.HELD: frozenset({S.PUBLISHED, S.SPAM, S.REMOVED}),
    S.PUBLISHED: frozenset({S.HELD, S.SPAM, S.REMOVED}),
    S.SPAM: frozenset({S.PUBLISHED, S.HELD, S.REMOVED}),
    S.REMOVED: frozenset({S.PUBLISHED, S.HELD, S.SPAM}),
}


class TransitionNotAllowed(Exception):
    """The comment cannot move from its current status to the one asked for."""


def comment_transition(
    *,
    comment_id: int,
    to_status: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reasons: Iterable[dict] = (),
    only_from: Iterable[str] | None = None,
) -> bool:
    """Move a comment to `to_status`; return True if this call changed it.

    Locks the thread and the comment, checks the transition, mirrors the status into
    django_comments' `is_public`/`is_removed`, recounts the thread's visibility caches and
    writes an audit event. With `only_from`, the move happens only from those states (a
    compare-and-set that makes repeated deliveries harmless). Replies keep their own status.
    """
    thread_id = Comment.objects.filter(pk=comment_id).values_list("thread_id", flat=True).first()
    if thread_id is None:
        return False
    with transaction.atomic():
        Thread.objects.select_for_update().filter(pk=thread_id).first()
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None:
            return False
        from_status = comment.status
        if from_status == to_status:
            return False
        if only_from is not None and from_status not in set(only_from):
            return False
        if to_status not in ALLOWED_TRANSITIONS[from_status]:
            raise TransitionNotAllowed(f"A {from_status} comment cannot become {to_status}.")
        Comment.objects.filter(pk=comment_id).update(
            status=to_status,
            is_public=to_status == S.PUBLISHED,
            is_removed=to_status == S.REMOVED,
            status_changed_at=timezone.now(),
        )
        thread_recount(thread_id=thread_id)
        ModerationEvent.objects.create(
            comment_id=comment_id,
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else "system"),
            from_status=from_status,
            to_status=to_status,
            reasons=list(reasons),
        )
        transaction.on_commit(
            lambda: comment_status_changed.send_robust(
                sender=Comment, comment_id=comment_id, from_status=from_status, to_status=to_status
            ),
            robust=True,
        )
    return True


def comment_route_new(*, comment_id: int) -> bool:
    """Route a newly stored comment out of `pending` (until scoring exists: by setting)."""
    from django.conf import settings

    to_status = S.PUBLISHED if settings.PARLEY_PUBLISH_IMMEDIATELY else S.HELD
    return comment_transition(
        comment_id=comment_id,
        to_status=to_status,
        actor_label="system",
        only_from=[S.PENDING],
        reasons=[
            {
                "reason": "publish immediately"
                if to_status == S.PUBLISHED
                else "every new comment is held",
                "weight": 0,
            }
        ],
    )
